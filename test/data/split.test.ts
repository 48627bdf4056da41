import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { splitLabelled } from '../../src/data/split.ts';
import { DataError } from '../../src/errors.ts';

function examples(counts: Record<string, number>): Array<{ id: number; label: string }> {
  const out: Array<{ id: number; label: string }> = [];
  let id = 0;
  // Interleave labels so order preservation is visible.
  const left = { ...counts };
  while (Object.values(left).some((n) => n > 0)) {
    for (const label of Object.keys(left)) {
      if (left[label]! > 0) {
        out.push({ id: id++, label });
        left[label]!--;
      }
    }
  }
  return out;
}

function countBy(items: Array<{ label: string }>): Record<string, number> {
  const c: Record<string, number> = {};
  for (const i of items) c[i.label] = (c[i.label] ?? 0) + 1;
  return c;
}

describe('splitLabelled', () => {
  const data = examples({ a: 60, b: 30, c: 10 });

  it('is stratified by label (largest remainder)', () => {
    const { labelled } = splitLabelled(data, { size: 20, seed: 1 });
    assert.deepEqual(countBy(labelled), { a: 12, b: 6, c: 2 });
    // 7 from 100 with shares .6/.3/.1: floors 4/2/0, remainders .2/.1/.7 -> the spare goes to c.
    assert.deepEqual(countBy(splitLabelled(data, { size: 7, seed: 1 }).labelled), { a: 4, b: 2, c: 1 });
  });

  it('keeps at least one example of every label when the budget allows', () => {
    const skewed = examples({ big: 97, rare: 3 });
    assert.deepEqual(countBy(splitLabelled(skewed, { size: 10, seed: 4 }).labelled), { big: 9, rare: 1 });
  });

  it('is seeded and deterministic, and different seeds differ', () => {
    const ids = (seed: number) => splitLabelled(data, { size: 20, seed }).labelled.map((e) => e.id);
    assert.deepEqual(ids(7), ids(7));
    assert.notDeepEqual(ids(7), ids(8));
  });

  it('partitions the input: disjoint, complete, order kept', () => {
    const { labelled, unlabelled } = splitLabelled(data, { size: 25, seed: 3 });
    assert.equal(labelled.length, 25);
    assert.equal(unlabelled.length, 75);
    const l = new Set(labelled.map((e) => e.id));
    assert.ok(unlabelled.every((e) => !l.has(e.id)));
    assert.deepEqual([...labelled, ...unlabelled].map((e) => e.id).sort((x, y) => x - y), data.map((e) => e.id));
    const isSorted = (xs: number[]) => xs.every((x, i) => i === 0 || xs[i - 1]! < x);
    assert.ok(isSorted(labelled.map((e) => e.id)) && isSorted(unlabelled.map((e) => e.id)));
  });

  it('rejects sizes that leave no pool', () => {
    assert.throws(() => splitLabelled(data, { size: 100, seed: 1 }), (e) => e instanceof DataError && /no unlabelled pool/.test(e.message));
    assert.throws(() => splitLabelled(data, { size: 0, seed: 1 }), DataError);
  });
});
