/**
 * Planning speed: a sweep that yields ≥10,000 stages (goal: well under 1 s). The grid is
 * finetune lr × masking probability over the paper's five arms, four tasks and five seeds, so
 * the planner must both create many stages and find the many it shares (the baseline's
 * finetunes across masking values, every pretrain stage across learning rates).
 */
import { performance } from 'node:perf_hooks';
import { planExperiment } from '../src/plan/index.ts';
import { catalogFor, domainSpec, experiment } from '../test/plan/fixtures.ts';
import type { ExperimentSpec } from '../src/config/types.ts';

const lrs = [1e-5, 1.5e-5, 2e-5, 2.5e-5, 3e-5, 4e-5, 5e-5, 6e-5, 8e-5, 1e-4];
const probabilities = [0.1, 0.15, 0.2, 0.25, 0.3, 0.4];
const variants: Record<string, (s: ExperimentSpec) => void> = {};
for (const lr of lrs) {
  for (const p of probabilities) {
    variants[`lr=${lr},p=${p}`] = (s) => {
      s.finetune.lr = lr;
      for (const a of s.arms) for (const ph of a.phases) ph.masking.schedule = { kind: 'constant', p };
    };
  }
}
const exp = experiment('sweep', domainSpec('biomed', ['chemprot', 'piboso', 'rct', 'sciie'], 'reviews', [1, 2, 3, 4, 5]), variants);
const catalog = catalogFor([exp]);

const times: number[] = [];
// CPU time too: on a shared machine wall time also measures the neighbours.
const cpu: number[] = [];
let stages = 0;
for (let i = 0; i < 7; i++) {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const plan = planExperiment(exp, catalog);
  const c = process.cpuUsage(c0);
  times.push(performance.now() - t0);
  cpu.push((c.user + c.system) / 1000);
  stages = plan.stages.length;
}
if (stages < 10_000) throw new Error(`the sweep planned only ${stages} stages; the benchmark needs ≥10,000`);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number): number => Math.round(x * 10) / 10;
console.log(JSON.stringify({ bench: 'plan', stages, points: Object.keys(variants).length, ms: round(median(times)), minMs: round(Math.min(...times)), cpuMs: round(median(cpu)) }));
