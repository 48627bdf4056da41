import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { majorityClassScore, scoreClassification } from '../../src/train/metrics.ts';

const near = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} ≠ ${b}`);

describe('classification metrics', () => {
  it('match a hand-computed three-class case', () => {
    // gold:      a a a a b b b c c c
    // predicted: a a b c b b a c c a
    const labels = ['a', 'b', 'c'];
    const gold = [0, 0, 0, 0, 1, 1, 1, 2, 2, 2];
    const pred = [0, 0, 1, 2, 1, 1, 0, 2, 2, 0];
    const s = scoreClassification(gold, pred, labels);
    // a: tp 2 fp 2 fn 2 → 0.5;  b: tp 2 fp 1 fn 1 → 2/3;  c: tp 2 fp 1 fn 1 → 2/3
    near(s.perClassF1.a!, 0.5);
    near(s.perClassF1.b!, 2 / 3);
    near(s.perClassF1.c!, 2 / 3);
    near(s.macro_f1, (0.5 + 2 / 3 + 2 / 3) / 3);
    near(s.accuracy, 0.6);
    near(s.micro_f1, 0.6);
    assert.deepEqual(s.confusion, { labels, matrix: [[2, 1, 1], [1, 2, 0], [1, 0, 2]] });
  });

  it('leave classes absent from gold and predictions out of macro-F1, and give them F1 0', () => {
    const s = scoreClassification([0, 0, 1], [0, 1, 1], ['x', 'y', 'z']);
    // x: tp1 fp0 fn1 → 2/3; y: tp1 fp1 fn0 → 2/3; z absent
    near(s.macro_f1, 2 / 3);
    near(s.perClassF1.z!, 0);
  });

  it('give the majority-class ("chance") score', () => {
    near(majorityClassScore([0, 0, 0, 1], ['a', 'b'], 'accuracy'), 0.75);
    // a: F1 6/7, b (in gold, never predicted): 0
    near(majorityClassScore([0, 0, 0, 1], ['a', 'b'], 'macro_f1'), 3 / 7);
  });
});
