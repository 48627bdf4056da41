/**
 * Turns the aggregate stage's declared cells (AggregateParams) plus the stages' records into
 * results: one CellResult per (point, arm, task, seed) and one MlmResult per (point, model,
 * corpus). Used by the aggregate stage (everything done) and by a partial report (some not).
 */
import type { AggregateParams, MlmCell, ProbeCell, ReferenceCell, ResultCell, StageKey } from '../plan/types.ts';
import { PROBE_POOLINGS, type CellResult, type LinearScore, type MlmResult, type ProbeResult, type ReferenceResult, type StageRecord } from './types.ts';

export type StageLookup = (key: StageKey) => StageRecord | undefined;

/**
 * Degenerate-seed handling as the finetune stage records it (src/stages/finetune.ts):
 * `metrics.resamples` (count), `details.seedUsed` (the seed finally trained with) and, for policy
 * `drop`, `metrics.degenerate === 1` / `details.degenerate.dropped === true`.
 */
function degenerateInfo(finetune: StageRecord | undefined): { resamples: number; seedUsed: number | null; dropped: boolean } {
  if (!finetune?.done) return { resamples: 0, seedUsed: null, dropped: false };
  const resamples = finetune.metrics['resamples'] ?? 0;
  const seedUsed = typeof finetune.details['seedUsed'] === 'number' ? (finetune.details['seedUsed'] as number) : null;
  const record = finetune.details['degenerate'];
  const droppedDetail = typeof record === 'object' && record !== null && (record as { dropped?: unknown }).dropped === true;
  return { resamples, seedUsed, dropped: finetune.metrics['degenerate'] === 1 || droppedDetail };
}

export function cellResult(cell: ResultCell, lookup: StageLookup): CellResult {
  const evaluate = lookup(cell.evaluate);
  const finetune = lookup(cell.finetune);
  const info = degenerateInfo(finetune);
  const finished = finetune?.done === true;
  const base: CellResult = {
    point: cell.point,
    arm: cell.arm,
    task: cell.task,
    seed: cell.seed,
    metric: cell.metric,
    status: 'missing',
    dev: null,
    test: null,
    resamples: info.resamples,
    seedUsed: info.seedUsed !== null && info.seedUsed !== cell.seed ? info.seedUsed : null,
    epochsRun: finished ? (finetune.metrics['epochs_run'] ?? null) : null,
    bestEpoch: finished ? (finetune.metrics['best_epoch'] ?? null) : null,
    evaluate: evaluate?.provenance ?? { stage: cell.evaluate, mlflowRunId: null, mlflowUri: null },
    finetune: finetune?.provenance ?? { stage: cell.finetune, mlflowRunId: null, mlflowUri: null },
  };
  // A dropped seed keeps its scores (the provenance table shows them) but no mean or test uses it.
  const status = (s: CellResult['status']): CellResult['status'] => (info.dropped ? 'dropped' : s);
  if (evaluate?.done) {
    return {
      ...base,
      status: status('done'),
      dev: evaluate.metrics[`dev_${cell.metric}`] ?? null,
      test: evaluate.metrics[`test_${cell.metric}`] ?? null,
    };
  }
  const bestDev = finetune?.done ? finetune.metrics[`best_dev_${cell.metric}`] : undefined;
  if (bestDev !== undefined) return { ...base, status: status('dev-only'), dev: bestDev };
  return base;
}

export function mlmResult(cell: MlmCell, lookup: StageLookup): MlmResult {
  const evaluate = lookup(cell.evaluate);
  const done = evaluate?.done === true;
  return {
    point: cell.point,
    model: cell.model,
    task: cell.task ?? null,
    corpus: cell.corpus,
    status: done ? 'done' : 'missing',
    loss: done ? (evaluate.metrics['mlm_loss'] ?? null) : null,
    perplexity: done ? (evaluate.metrics['perplexity'] ?? null) : null,
    evaluate: evaluate?.provenance ?? { stage: cell.evaluate, mlflowRunId: null, mlflowUri: null },
  };
}

/** `<prefix>dev_<metric>`, `<prefix>test_<metric>` and `<prefix>c` of a linear evaluation (src/stages/linear-classifier.ts). */
function linearScore(record: StageRecord | undefined, metric: string, prefix = ''): LinearScore {
  if (!record?.done) return { dev: null, test: null, c: null };
  const m = record.metrics;
  return { dev: m[`${prefix}dev_${metric}`] ?? null, test: m[`${prefix}test_${metric}`] ?? null, c: m[`${prefix}c`] ?? null };
}

export function referenceResult(cell: ReferenceCell, lookup: StageLookup): ReferenceResult {
  const evaluate = lookup(cell.evaluate);
  return {
    point: cell.point,
    task: cell.task,
    metric: cell.metric,
    status: evaluate?.done ? 'done' : 'missing',
    score: linearScore(evaluate, cell.metric),
    evaluate: evaluate?.provenance ?? { stage: cell.evaluate, mlflowRunId: null, mlflowUri: null },
  };
}

export function probeResult(cell: ProbeCell, lookup: StageLookup): ProbeResult {
  const evaluate = lookup(cell.evaluate);
  const pooling = Object.fromEntries(PROBE_POOLINGS.map((p) => [p, linearScore(evaluate, cell.metric, `${p}_`)])) as ProbeResult['pooling'];
  return {
    point: cell.point,
    arm: cell.arm,
    task: cell.task,
    metric: cell.metric,
    status: evaluate?.done ? 'done' : 'missing',
    pooling,
    evaluate: evaluate?.provenance ?? { stage: cell.evaluate, mlflowRunId: null, mlflowUri: null },
  };
}

export interface CollectedResults {
  cells: CellResult[];
  mlm: MlmResult[];
  references: ReferenceResult[];
  probes: ProbeResult[];
}

export function collectResults(params: AggregateParams, lookup: StageLookup): CollectedResults {
  return {
    cells: params.cells.map((c) => cellResult(c, lookup)),
    mlm: params.mlm.map((c) => mlmResult(c, lookup)),
    references: (params.references ?? []).map((c) => referenceResult(c, lookup)),
    probes: (params.probes ?? []).map((c) => probeResult(c, lookup)),
  };
}
