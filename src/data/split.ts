/** Low-resource splits (the paper's RCT-500 setting): N labelled examples, the rest unlabelled. */
import { DataError } from '../errors.ts';
import { createRandom, shuffleInPlace } from './seeded-random.ts';

export interface LabelledSplit<T> {
  /** In the original order. */
  labelled: T[];
  /** The rest of the input, in the original order. */
  unlabelled: T[];
}

/** Largest-remainder allocation of `size` over label counts; ties go to the label sorted first. */
function quotas(counts: Map<string, number>, total: number, size: number): Map<string, number> {
  const labels = [...counts.keys()].sort();
  const exact = labels.map((l) => ({ label: l, value: (size * counts.get(l)!) / total }));
  const quota = new Map(exact.map((e) => [e.label, Math.floor(e.value)]));
  let left = size - [...quota.values()].reduce((a, b) => a + b, 0);
  const byRemainder = [...exact].sort((x, y) => y.value - Math.floor(y.value) - (x.value - Math.floor(x.value)) || (x.label < y.label ? -1 : 1));
  for (const e of byRemainder) {
    if (left === 0) break;
    quota.set(e.label, quota.get(e.label)! + 1);
    left--;
  }
  // Every label keeps at least one labelled example when the budget allows, so the classifier
  // sees the whole label set; the example comes from the label with the largest quota.
  if (size >= labels.length) {
    for (const l of labels) {
      if (quota.get(l)! > 0) continue;
      const donor = labels.reduce((best, x) => (quota.get(x)! > quota.get(best)! ? x : best), labels[0]!);
      quota.set(donor, quota.get(donor)! - 1);
      quota.set(l, 1);
    }
  }
  return quota;
}

/**
 * Stratified, seeded, deterministic split of `examples` into `size` labelled examples and the
 * unlabelled rest. Each label gets a share proportional to its frequency (largest remainder), at
 * least one per label when `size` >= the number of labels; within a label the examples are
 * chosen by a seeded shuffle. Both outputs keep the input order, and together they are exactly
 * the input (disjoint by position; duplicate texts in the input may land on both sides).
 */
export function splitLabelled<T extends { label: string }>(examples: readonly T[], opts: { size: number; seed: number }): LabelledSplit<T> {
  const { size, seed } = opts;
  if (!Number.isInteger(size) || size < 1) throw new DataError(`labelled.size must be a positive integer, got ${size}`);
  if (size >= examples.length) {
    throw new DataError(
      `labelled.size ${size} leaves no unlabelled pool: train has only ${examples.length} examples; ` +
        `choose a size below ${examples.length} or remove \`labelled\` to use all of train`,
    );
  }
  const byLabel = new Map<string, number[]>();
  examples.forEach((e, i) => {
    const list = byLabel.get(e.label);
    if (list) list.push(i);
    else byLabel.set(e.label, [i]);
  });
  const counts = new Map([...byLabel].map(([l, idx]) => [l, idx.length]));
  const quota = quotas(counts, examples.length, size);
  const random = createRandom(seed);
  const chosen = new Uint8Array(examples.length);
  for (const label of [...byLabel.keys()].sort()) {
    const shuffled = shuffleInPlace([...byLabel.get(label)!], random);
    for (const i of shuffled.slice(0, quota.get(label)!)) chosen[i] = 1;
  }
  const labelled: T[] = [];
  const unlabelled: T[] = [];
  examples.forEach((e, i) => (chosen[i] ? labelled : unlabelled).push(e));
  return { labelled, unlabelled };
}
