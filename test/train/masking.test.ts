import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assembleMlmBatch, ExampleOrder, maskKey, microBatchItems } from '../../src/train/data/batches.ts';
import { buildExamples } from '../../src/train/data/examples.ts';
import { maskExample, maskVocabulary, type MaskSettings } from '../../src/train/data/masking.ts';
import { hashKey } from '../../src/train/rng.ts';

// vocabulary: 0 pad, 1 unk, 2 cls, 3 sep, 4 mask; 5..99 ordinary; ids 50..99 continue a word
const V = 100;
const special = new Uint8Array(V);
for (let i = 0; i < 5; i++) special[i] = 1;
const wordStart = new Uint8Array(V).fill(1);
for (let i = 50; i < V; i++) wordStart[i] = 0;
const vocab = maskVocabulary(4, special, wordStart);
const bert: MaskSettings = { p: 0.15, replace: { mask: 0.8, random: 0.1, keep: 0.1 }, wholeWord: false };

/** Examples of varied length mixing word starts, continuations and an inner [SEP]. */
function sampleExamples(n: number) {
  const ids: number[] = [];
  const offsets = [0];
  for (let d = 0; d < n; d++) {
    const len = 5 + (d % 23);
    for (let i = 0; i < len; i++) ids.push(i % 3 === 0 ? 5 + ((d + i) % 45) : 50 + ((d * 7 + i) % 50));
    offsets.push(ids.length);
  }
  return buildExamples({ ids: Int32Array.from(ids), offsets: Uint32Array.from(offsets) }, 'packed', 24, { cls: 2, sep: 3, specialMask: special });
}

describe('masking', () => {
  const examples = sampleExamples(400);

  it('masks p of the maskable tokens, split 80/10/10, never special tokens or padding', () => {
    let eligible = 0;
    let masked = 0;
    let toMask = 0;
    let changed = 0;
    let unchanged = 0;
    for (let round = 0; round < 20; round++) {
      for (let from = 0; from + 16 <= examples.count; from += 16) {
        const items = Array.from({ length: 16 }, (_, i) => ({ index: from + i, key: hashKey(9, round, from + i) }));
        const batch = assembleMlmBatch(examples, items, bert, vocab, { padId: 0, robertaPaddingIdx: null });
        const original = new Int32Array(batch.ids.length);
        items.forEach((it, b) => {
          const src = examples.tokens.subarray(examples.starts[it.index]!, examples.starts[it.index + 1]!);
          original.set(src, b * batch.seqLen);
        });
        for (let i = 0; i < original.length; i++) if (batch.keyMask[i] === 1 && special[original[i]!] !== 1) eligible++;
        batch.masked.forEach((pos, m) => {
          assert.equal(batch.keyMask[pos], 1, 'a padding position was masked');
          assert.notEqual(special[original[pos]!], 1, 'a special token was masked');
          assert.equal(batch.labels[m], original[pos]);
          masked++;
          if (batch.ids[pos] === 4) toMask++;
          else if (batch.ids[pos] === original[pos]) unchanged++;
          else changed++;
          assert.notEqual(special[batch.ids[pos]!] === 1 && batch.ids[pos] !== 4, true, 'random replacement drew a special token');
        });
      }
    }
    assert.ok(eligible > 50_000, `sample too small (${eligible})`);
    const close = (x: number, want: number, tol: number, what: string) => assert.ok(Math.abs(x - want) < tol, `${what}: ${x.toFixed(4)} vs ${want}`);
    close(masked / eligible, 0.15, 0.005, 'mask rate');
    const r = vocab.randomIds.length;
    close(toMask / masked, 0.8, 0.015, '[MASK] share');
    close(changed / masked, 0.1 * (1 - 1 / r), 0.01, 'random share');
    close(unchanged / masked, 0.1 + 0.1 / r, 0.01, 'unchanged share');
  });

  it('whole-word masking masks every token of a chosen word and no partial words, at rate p', () => {
    const settings = { ...bert, p: 0.3, wholeWord: true };
    let eligible = 0;
    let masked = 0;
    for (let i = 0; i < examples.count; i++) {
      const tokens = examples.tokens.subarray(examples.starts[i]!, examples.starts[i + 1]!);
      const positions: number[] = [];
      maskExample(tokens, new Int32Array(tokens.length), hashKey(3, i), settings, vocab, positions, [], 0);
      const chosen = new Set(positions);
      for (let j = 1; j < tokens.length; j++) {
        const continues = special[tokens[j]!] !== 1 && wordStart[tokens[j]!] === 0 && special[tokens[j - 1]!] !== 1;
        if (continues) assert.equal(chosen.has(j), chosen.has(j - 1), `example ${i}: word split at ${j}`);
      }
      for (const t of tokens) if (special[t] !== 1) eligible++;
      masked += positions.length;
    }
    assert.ok(Math.abs(masked / eligible - 0.3) < 0.02, `token mask rate ${masked / eligible}`);
  });

  it('is a function of the key; a higher p only adds positions; re-masking follows the epoch', () => {
    const tokens = examples.tokens.subarray(examples.starts[5]!, examples.starts[6]!);
    const run = (p: number, key: number) => {
      const positions: number[] = [];
      maskExample(tokens, new Int32Array(tokens.length), key, { ...bert, p }, vocab, positions, [], 0);
      return positions;
    };
    assert.deepEqual(run(0.15, 42), run(0.15, 42));
    const low = new Set(run(0.2, 42));
    const high = new Set(run(0.6, 42));
    for (const pos of low) assert.ok(high.has(pos));
    assert.equal(maskKey(1, 0, 7, false), maskKey(1, 3, 7, false));
    assert.notEqual(maskKey(1, 0, 7, true), maskKey(1, 3, 7, true));
  });

  it('the example stream visits every example once per epoch in a seeded order', () => {
    const order = new ExampleOrder(10, 4);
    const epoch0 = Array.from({ length: 10 }, (_, k) => order.at(k).index);
    const epoch1 = Array.from({ length: 10 }, (_, k) => order.at(10 + k).index);
    assert.deepEqual([...epoch0].sort((a, b) => a - b), [...Array(10).keys()]);
    assert.deepEqual([...epoch1].sort((a, b) => a - b), [...Array(10).keys()]);
    assert.notDeepEqual(epoch0, epoch1);
    assert.deepEqual(Array.from({ length: 10 }, (_, k) => new ExampleOrder(10, 4).at(k).index), epoch0);
    const items = microBatchItems(order, 1, 1, 3, 2, 4, true);
    assert.deepEqual(items.map((x) => x.index), [9, 10, 11].map((k) => order.at(k).index));
  });
});

describe('examples', () => {
  it('packs documents joined by [SEP] into [CLS] … [SEP] blocks; line by line truncates each document', () => {
    const docs = { ids: Int32Array.from([10, 11, 12, 13, 14, 20, 21]), offsets: Uint32Array.from([0, 5, 7]) };
    const packed = buildExamples(docs, 'packed', 6, { cls: 2, sep: 3, specialMask: special });
    const blocks = Array.from({ length: packed.count }, (_, i) => [...packed.tokens.subarray(packed.starts[i]!, packed.starts[i + 1]!)]);
    // the last piece holds only the final [SEP]: nothing to mask, so it is dropped
    assert.deepEqual(blocks, [[2, 10, 11, 12, 13, 3], [2, 14, 3, 20, 21, 3]]);
    const lines = buildExamples(docs, 'line_by_line', 5, { cls: 2, sep: 3, specialMask: special });
    const rows = Array.from({ length: lines.count }, (_, i) => [...lines.tokens.subarray(lines.starts[i]!, lines.starts[i + 1]!)]);
    assert.deepEqual(rows, [[2, 10, 11, 12, 3], [2, 20, 21, 3]]);
  });

  it('pads batches to the longest example and numbers RoBERTa positions from padding_idx + 1', () => {
    const docs = { ids: Int32Array.from([10, 11, 12, 20]), offsets: Uint32Array.from([0, 3, 4]) };
    const ex = buildExamples(docs, 'line_by_line', 8, { cls: 2, sep: 3, specialMask: special });
    const batch = assembleMlmBatch(ex, [{ index: 0, key: 1 }, { index: 1, key: 2 }], { ...bert, p: 0 }, vocab, { padId: 1, robertaPaddingIdx: 1 });
    assert.equal(batch.seqLen, 5);
    assert.deepEqual([...batch.keyMask], [1, 1, 1, 1, 1, 1, 1, 1, 0, 0]);
    assert.deepEqual([...batch.positionIds!], [2, 3, 4, 5, 6, 2, 3, 4, 1, 1]);
    // p = 0 still masks one token so the loss is defined
    assert.equal(batch.masked.length, 1);
    assert.equal(batch.tokens, 8);
  });
});
