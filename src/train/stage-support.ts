/**
 * What every training stage runner does the same way: initialise the backend and record it,
 * and keep the stage's outcome in work/outcome.json once its outputs are saved, so a process
 * killed after saving (but before `dapt stage` wrote the manifest) does not train again.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { StageContext, StageOutcome } from '../stages/types.ts';
import { workOutputs } from '../store/layout.ts';
import { initBackend, type BackendInfo, type BackendName } from './backend/index.ts';
import { getTrainOps } from './ops/index.ts';
import type { TrainOps } from './ops/types.ts';

export interface TrainingRuntime {
  backend: BackendInfo;
  ops: TrainOps;
}

/** Initialises the requested backend and tags the run with it (metrics.json reads the tag). */
export async function startRuntime(ctx: StageContext): Promise<TrainingRuntime> {
  const backend = await initBackend(ctx.spec.backend as 'auto' | BackendName);
  const ops = getTrainOps();
  ctx.reporter.tags({ 'dapt.backend': backend.name, 'dapt.ops': ops.name, 'dapt.threads': String(backend.threads) });
  for (const note of backend.notes) ctx.reporter.log(`backend: ${note}`);
  ctx.reporter.log(`backend ${backend.name} (${backend.threads} thread${backend.threads === 1 ? '' : 's'}, simd ${backend.simd}, ops ${ops.name})`);
  return { backend, ops };
}

const outcomeFile = (workDir: string): string => join(workDir, 'outcome.json');

export function savedOutcome(workDir: string): StageOutcome | null {
  const file = outcomeFile(workDir);
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as StageOutcome;
  } catch {
    return null;
  }
}

/** Records the outcome, then drops the training checkpoint (the saved model supersedes it). */
export async function saveOutcome(workDir: string, outcome: StageOutcome): Promise<StageOutcome> {
  await writeFileAtomic(outcomeFile(workDir), JSON.stringify(outcome, null, 2) + '\n');
  rmSync(workOutputs(workDir).checkpoint, { recursive: true, force: true });
  return outcome;
}

/** BackendInfo as plain details for metrics.json. */
export function backendDetails(backend: BackendInfo): Record<string, unknown> {
  return { backend: backend.name, backendInfo: backend };
}

/** What every training loop takes from its stage: where to checkpoint and log, and when to stop. */
export function loopPlumbing(ctx: StageContext) {
  return {
    checkpointDir: workOutputs(ctx.workDir).checkpoint,
    checkpointEverySeconds: ctx.spec.checkpointEverySeconds,
    curvesFile: workOutputs(ctx.workDir).curves,
    signal: ctx.signal,
    onMetrics: (step: number, values: Record<string, number>) => ctx.reporter.metrics(step, values),
  };
}
