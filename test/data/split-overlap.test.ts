import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { splitOverlap } from '../../src/data/split-overlap.ts';
import type { TaskData } from '../../src/data/types.ts';

const ex = (text: string, line: number) => ({ text, label: 'x', line });
const long = 'one two three four five six seven eight nine ten eleven twelve thirteen';

describe('splitOverlap', () => {
  it('counts exact copies between splits, the dedupe_train drops and near copies', async () => {
    const data: TaskData = {
      train: [ex('Article A', 1), ex('article  a', 2), ex('Article B', 3), ex(`prefix ${long}`, 4), ex('fresh', 5)],
      dev: [ex('Article B', 1), ex('Article C', 2)],
      test: [ex('ARTICLE A', 1), ex('Article C', 2), ex(`${long} suffix`, 3)],
      labels: ['x'],
    };
    const r = await splitOverlap('toy', data);
    assert.deepEqual(r.exact, { testInTrain: 1, devInTrain: 1, testInDev: 1 });
    assert.deepEqual(r.dedupeTrain, { dropped: 3, kept: 2 });
    assert.equal(r.nearTrain, 4);
  });
});
