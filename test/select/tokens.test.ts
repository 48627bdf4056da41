import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TopK } from '../../src/select/top-k.ts';
import { hashWord, tokenHashes, wordTokens } from '../../src/select/word-tokens.ts';

describe('word tokens', () => {
  it('lower-cases letter/digit runs, keeps Unicode letters, drops English stopwords', () => {
    assert.deepEqual(wordTokens("The Café's 3 NEW drugs — and don't stop: über-cool!"), ['café', '3', 'new', 'drugs', 'stop', 'über', 'cool']);
  });

  it('hashes exactly the tokens wordTokens returns', () => {
    const text = 'Of mice and MEN: the 2nd study, it was NOT über-good.';
    const buffer = { hashes: new Uint32Array(1) };
    const count = tokenHashes(text, buffer);
    assert.deepEqual([...buffer.hashes.subarray(0, count)], wordTokens(text).map(hashWord));
  });
});

describe('TopK', () => {
  it('keeps the best k by score, ties to the lower id, best first', () => {
    const top = new TopK(3);
    const offers: Array<[number, number]> = [[9, 0.5], [2, 0.9], [7, 0.5], [4, 0.1], [1, 0.5], [8, 0.9]];
    for (const [id, s] of offers) top.offer(id, s);
    const r = top.result();
    assert.deepEqual([...r.ids], [2, 8, 1]);
    assert.deepEqual([...r.scores], [0.9, 0.9, 0.5]);
  });
});
