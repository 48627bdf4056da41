/**
 * Gathers everything one experiment's report shows from the plan and the store: the result
 * cells (from the aggregate stage's results.json when it has run, else from whatever
 * evaluate/finetune stages are done), every stage the experiment depends on, and which arm
 * depends on which stage. Reads only.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InternalError } from '../errors.ts';
import { stagePaths } from '../store/layout.ts';
import type { AggregateParams, Plan, PlannedExperiment, Stage, StageKey } from '../plan/types.ts';
import { collectResults, type CollectedResults } from './cells.ts';
import { convergenceOf } from './convergence.ts';
import { RESULTS_FILE, readResultsFile } from './results-file.ts';
import { readStages } from './stage-store.ts';
import { compare, summarise } from './summarise.ts';
import type { CellResult, Comparison, Convergence, MlmResult, ProbeResult, Provenance, ReferenceResult, StageRecord, Summary, Verdict } from './types.ts';
import { judgeClaims } from './verdicts.ts';

export interface ExperimentData {
  experiment: PlannedExperiment;
  storeDir: string;
  params: AggregateParams;
  aggregate: StageRecord;
  /** `results.json` when the aggregate stage is done, else `stages` (a partial report). */
  source: 'results.json' | 'stages';
  cells: CellResult[];
  mlm: MlmResult[];
  summaries: Summary[];
  comparisons: Comparison[];
  references: ReferenceResult[];
  probes: ProbeResult[];
  convergence: Convergence[];
  verdicts: Verdict[];
  /** Every stage the experiment depends on, in plan order. */
  stages: Stage[];
  records: Map<StageKey, StageRecord>;
  /** `point\u0000arm` → every stage its result cells depend on (ancestors of their evaluates). */
  armStages: Map<string, Set<StageKey>>;
  problems: string[];
}

export const armKey = (point: string, arm: string): string => `${point}\u0000${arm}`;

/** The stage and all its ancestors. */
function closure(start: StageKey, byKey: Map<StageKey, Stage>, into: Set<StageKey>): void {
  const todo = [start];
  while (todo.length > 0) {
    const key = todo.pop() as StageKey;
    if (into.has(key)) continue;
    into.add(key);
    const stage = byKey.get(key);
    if (!stage) throw new InternalError(`plan refers to stage ${key}, which it does not contain`);
    todo.push(...stage.parents);
  }
}

/**
 * results.json froze each row's MLflow run when the aggregate ran, possibly a placeholder made
 * while MLflow was unreachable; the stage store knows the run as it is now.
 */
function withCurrentProvenance<T extends { evaluate: Provenance; finetune?: Provenance }>(rows: T[], records: Map<StageKey, StageRecord>): T[] {
  const now = (p: Provenance): Provenance => records.get(p.stage)?.provenance ?? p;
  return rows.map((r) => ({ ...r, evaluate: now(r.evaluate), ...(r.finetune ? { finetune: now(r.finetune) } : {}) }));
}

export function collectExperiment(plan: Plan, experiment: PlannedExperiment, storeDir: string): ExperimentData {
  const byKey = new Map(plan.stages.map((s) => [s.key, s]));
  const aggregateStage = byKey.get(experiment.aggregate);
  if (aggregateStage?.kind !== 'aggregate') throw new InternalError(`experiment ${experiment.name} has no aggregate stage ${experiment.aggregate} in the plan`);
  const params = aggregateStage.params;

  const used = new Set<StageKey>();
  closure(experiment.aggregate, byKey, used);
  const stages = plan.stages.filter((s) => used.has(s.key));
  const records = readStages(storeDir, stages);
  const aggregate = records.get(experiment.aggregate) as StageRecord;

  const armStages = new Map<string, Set<StageKey>>();
  for (const cell of params.cells) {
    const k = armKey(cell.point, cell.arm);
    const set = armStages.get(k) ?? new Set<StageKey>();
    closure(cell.evaluate, byKey, set);
    armStages.set(k, set);
  }

  const problems = [...records.values()].flatMap((r) => (r.problem ? [r.problem] : []));
  const resultsPath = join(stagePaths(storeDir, experiment.aggregate).work, RESULTS_FILE);
  let source: ExperimentData['source'] = 'stages';
  let collected: CollectedResults;
  if (aggregate.done && existsSync(resultsPath)) {
    const results = readResultsFile(resultsPath);
    source = 'results.json';
    collected = {
      cells: withCurrentProvenance(results.cells, records),
      mlm: withCurrentProvenance(results.mlm, records),
      references: withCurrentProvenance(results.references ?? [], records),
      probes: withCurrentProvenance(results.probes ?? [], records),
    };
  } else {
    collected = collectResults(params, (key) => records.get(key));
  }
  // Derived numbers are recomputed rather than copied, so a report always applies the current statistics code.
  const { cells } = collected;
  return {
    experiment, storeDir, params, aggregate, source, ...collected,
    summaries: summarise(cells), comparisons: compare(cells, params.baselineArm),
    convergence: convergenceOf(cells, byKey),
    verdicts: judgeClaims(params.claims ?? [], cells, collected.probes),
    stages, records, armStages, problems,
  };
}
