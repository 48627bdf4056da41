import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { randomDraw } from '../../src/select/rand.ts';
import { DataError } from '../../src/errors.ts';

const candidates = Int32Array.from({ length: 200 }, (_, i) => i * 3); // pool ids of distinct texts

describe('randomDraw (RAND-TAPT)', () => {
  it('draws k distinct candidates per query, seeded', () => {
    const a = randomDraw(candidates, 10, { k: 5, seed: 7, target: null });
    const b = randomDraw(candidates, 10, { k: 5, seed: 7, target: null });
    const c = randomDraw(candidates, 10, { k: 5, seed: 8, target: null });
    assert.deepEqual(a, b);
    assert.notDeepEqual(a.selected, c.selected);
    for (const ids of a.perQuery) {
      assert.equal(ids.length, 5);
      assert.equal(new Set(ids).size, 5);
      assert.ok([...ids].every((id) => id % 3 === 0 && id < 600));
    }
    const union = new Set(a.perQuery.flatMap((ids) => [...ids]));
    assert.deepEqual([...a.selected], [...union].sort((x, y) => x - y));
  });

  it('size-matches exactly, spreading draws over the queries', () => {
    for (const target of [1, 37, 150, 200]) {
      const d = randomDraw(candidates, 8, { k: 50, seed: 3, target });
      assert.equal(d.selected.length, target);
      assert.equal(new Set(d.selected).size, target);
      const sizes = d.perQuery.map((ids) => ids.length);
      assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `round-robin sizes ${sizes}`);
      assert.equal(sizes.reduce((x, y) => x + y, 0), target);
    }
  });

  it('refuses a target larger than the pool', () => {
    assert.throws(() => randomDraw(candidates, 3, { k: 5, seed: 1, target: 201 }), DataError);
  });
});
