import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dedupeTexts, dedupeTrain } from '../../src/data/dedupe.ts';
import { normaliseText } from '../../src/data/normalize.ts';

describe('normaliseText', () => {
  it('case-folds and collapses whitespace', () => {
    assert.equal(normaliseText('  The  Cat\tsat\n\nON the mat '), 'the cat sat on the mat');
  });
});

describe('dedupeTexts', () => {
  it('keeps the first of each normalised text, in order', () => {
    const { kept, dropped } = dedupeTexts(['A b', 'c', 'a  B', 'C', 'd'], (s) => s);
    assert.deepEqual(kept, ['A b', 'c', 'd']);
    assert.deepEqual(dropped, ['a  B', 'C']);
  });
});

describe('dedupeTrain', () => {
  it('drops train examples whose text is in dev or test, and nothing else', () => {
    const train = [
      { text: 'Alpha story', label: 'x' },
      { text: 'beta  STORY', label: 'y' },
      { text: 'gamma', label: 'x' },
      { text: 'gamma', label: 'y' },
      { text: '', label: 'x' },
    ];
    const dev = [{ text: 'Beta story' }, { text: '' }];
    const test = [{ text: 'alpha story' }];
    const { train: kept, dropped } = dedupeTrain(train, { dev, test });
    assert.deepEqual(kept.map((e) => e.text), ['gamma', 'gamma', '']);
    assert.deepEqual(dropped.map((e) => e.text), ['Alpha story', 'beta  STORY']);
  });
});
