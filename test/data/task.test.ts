import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseTaskJsonl, readTask } from '../../src/data/task.ts';
import { resolveTaskData } from '../../src/data/task-input.ts';
import { DataError, FileNotFoundError } from '../../src/errors.ts';

const line = (text: string, label: unknown) => JSON.stringify({ text, label });

describe('parseTaskJsonl', () => {
  it('locates every bad line with what is wrong', () => {
    const content = [
      line('ok', 'a'),
      '{"text": "broken",',
      '[1,2]',
      JSON.stringify({ label: 'a' }),
      JSON.stringify({ text: 3, label: 'a' }),
      JSON.stringify({ text: 'x' }),
      JSON.stringify({ text: 'x', label: null }),
      '',
      line('fine', 0),
      '',
    ].join('\n');
    const { examples, issues } = parseTaskJsonl(content, 'dev.jsonl');
    assert.deepEqual(examples, [
      { text: 'ok', label: 'a', line: 1 },
      { text: 'fine', label: '0', line: 9 },
    ]);
    assert.deepEqual(
      issues.map((i) => [i.line, i.message.split(' ').slice(0, 3).join(' ')]),
      [
        [2, 'not valid JSON'],
        [3, 'expected a JSON'],
        [4, 'missing field "text"'],
        [5, 'field "text" must'],
        [6, 'missing field "label"'],
        [7, 'field "label" must'],
        [8, 'empty line; expected'],
      ],
    );
    assert.ok(issues.every((i) => i.file === 'dev.jsonl'));
  });
});

describe('readTask', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dapt-task-'));
    await writeFile(join(dir, 'train.jsonl'), [line('t1', 'pos'), line('t2', 'neg'), line('Shared  Text', 'pos')].join('\n') + '\n');
    await writeFile(join(dir, 'dev.jsonl'), line('d1', 'neutral') + '\n');
    await writeFile(join(dir, 'test.jsonl'), [line('shared text', 'pos'), line('e2', 'neg')].join('\n'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('reads the splits and the label set from all of them', async () => {
    const task = await readTask(dir);
    assert.equal(task.train.length, 3);
    assert.deepEqual(task.labels, ['neg', 'neutral', 'pos']);
  });

  it('applies dedupe_train before the low-resource split', async () => {
    const task = await readTask(dir);
    const resolved = resolveTaskData(task, { dedupeTrain: true, labelled: { size: 1, seed: 1 } });
    assert.deepEqual(resolved.droppedByDedupe.map((e) => e.text), ['Shared  Text']);
    assert.equal(resolved.labelled.length + resolved.unlabelled.length, 2);
  });

  it('names the file and line of a bad example', async () => {
    await writeFile(join(dir, 'dev.jsonl'), line('d1', 'x') + '\n{"text": 1, "label": "x"}\n');
    await assert.rejects(readTask(dir), (e) => e instanceof DataError && e.message.includes(`${join(dir, 'dev.jsonl')}:2: field "text" must be a string`));
  });

  it('reports a missing split file', async () => {
    await rm(join(dir, 'test.jsonl'));
    await assert.rejects(readTask(dir), FileNotFoundError);
  });
});
