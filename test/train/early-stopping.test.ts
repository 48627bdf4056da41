import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type DevTracker, observeDev, shouldStop } from '../../src/train/finetune/early-stopping.ts';
import { lengthGroupedOrder } from '../../src/train/finetune/data.ts';

/** Runs a scripted dev curve through the tracker: the epoch training stops after, and the kept epoch. */
function replay(curve: number[], patience: number, maxEpochs = curve.length): { stoppedAfter: number; best: number; kept: number[] } {
  let t: DevTracker = { best: null, badEpochs: 0 };
  const kept: number[] = [];
  let epoch = 0;
  while (epoch < maxEpochs && !shouldStop(t, patience)) {
    const step = observeDev(t, curve[epoch]!, epoch + 1);
    t = step.tracker;
    if (step.improved) kept.push(epoch + 1);
    epoch++;
  }
  return { stoppedAfter: epoch, best: t.best!.epoch, kept };
}

describe('early stopping on the dev metric', () => {
  it('stops after `patience` epochs without improvement and keeps the best epoch', () => {
    assert.deepEqual(replay([0.3, 0.5, 0.6, 0.55, 0.6, 0.58, 0.7, 0.71], 3), { stoppedAfter: 6, best: 3, kept: [1, 2, 3] });
  });

  it('an improvement resets the count; a tie is no improvement', () => {
    assert.deepEqual(replay([0.3, 0.3, 0.4, 0.39, 0.41, 0.2, 0.2], 2), { stoppedAfter: 7, best: 5, kept: [1, 3, 5] });
  });

  it('runs out of epochs when dev keeps improving, and never stops early with patience 0', () => {
    assert.equal(replay([0.1, 0.2, 0.3, 0.4], 3).stoppedAfter, 4);
    assert.equal(replay([0.5, 0.4, 0.3, 0.2, 0.1], 0).stoppedAfter, 5);
  });
});

describe('batches grouped by length', () => {
  it('sorts each group of 50 batches longest first, keeping the shuffle\'s membership', () => {
    const lengths = Array.from({ length: 230 }, (_, i) => 1 + ((i * 37) % 97));
    const ids = lengths.map((n) => new Int32Array(n));
    const order = Uint32Array.from({ length: 230 }, (_, i) => (i * 101) % 230);
    const grouped = lengthGroupedOrder(order, ids, 2);
    for (const [from, to] of [[0, 100], [100, 200], [200, 230]] as const) {
      assert.deepEqual([...grouped.subarray(from, to)].sort((a, b) => a - b), [...order.subarray(from, to)].sort((a, b) => a - b));
      const ls = [...grouped.subarray(from, to)].map((i) => lengths[i]!);
      assert.deepEqual(ls, [...ls].sort((a, b) => b - a));
    }
  });
});
