/**
 * Which ready stage to start first: the one with the longest estimated remaining path (itself
 * plus its longest chain of dependents), so the long pretraining that most of the study waits
 * for takes the only heavy slot before a short fine-tune that needs nothing from it.
 *
 * A stage's work is estimated from the plan alone as the tokens it pushes through the model;
 * its time as work × seconds per token. Until a stage of some kind has finished, every token
 * counts the same; after that, the speed measured in this run for that kind (or, for kinds not
 * yet seen, the mean over the kinds that were) turns tokens into seconds.
 */
import type { Stage, StageKey, StageKind, TaskInput } from '../plan/types.ts';

/**
 * Examples per epoch when the plan does not know a data set's size (full tasks, corpora under
 * an epoch budget): about a mid-sized task of the paper (ChemProt's train split has 4,169).
 */
const ASSUMED_EXAMPLES = 4000;
/** A forward pass costs about a third of a training step (forward plus a backward of twice that). */
const FORWARD_ONLY = 1 / 3;

function examples(task: TaskInput | null): number {
  return task?.labelled?.size ?? ASSUMED_EXAMPLES;
}

/** Tokens a stage pushes through its model, from the plan alone; 0 for stages without one. */
export function estimateTokens(stage: Stage, byKey: ReadonlyMap<StageKey, Stage>): number {
  switch (stage.kind) {
    case 'pretrain': {
      const { optim, masking, data } = stage.params;
      if ('maxSteps' in optim.budget) return optim.budget.maxSteps * optim.batchSize * optim.gradAccum * masking.maxSeqLength;
      const perEpoch = data.reduce((n, d) => n + (d.kind === 'task_text' ? examples(d.task) : ASSUMED_EXAMPLES), 0);
      return optim.budget.epochs * perEpoch * masking.maxSeqLength;
    }
    case 'finetune':
      return stage.params.hparams.epochs * examples(stage.params.task) * stage.params.hparams.maxSeqLength;
    case 'evaluate': {
      const p = stage.params;
      if (p.target === 'mlm') return p.heldOut.maxDocs * p.maxSeqLength * FORWARD_ONLY;
      // The reference runs no model; a probe is forward passes over train, dev and test.
      if (p.target === 'reference') return 0;
      if (p.target === 'probe') return 3 * examples(p.task) * p.maxSeqLength * FORWARD_ONLY;
      const parent = byKey.get(p.finetune);
      const seq = parent?.kind === 'finetune' ? parent.params.hparams.maxSeqLength : 0;
      return p.splits.length * examples(p.task) * seq * FORWARD_ONLY;
    }
    case 'select': {
      const embedder = stage.params.embedder;
      return embedder?.kind === 'model' ? ASSUMED_EXAMPLES * embedder.maxSeqLength * FORWARD_ONLY : 0;
    }
    case 'aggregate':
      return 0;
  }
}

/** Seconds per token of each stage kind, from the stages that finished in this run. */
export class SpeedModel {
  private readonly totals = new Map<StageKind, { tokens: number; seconds: number }>();

  record(kind: StageKind, tokens: number, seconds: number): void {
    if (tokens <= 0 || !(seconds > 0)) return;
    const t = this.totals.get(kind) ?? { tokens: 0, seconds: 0 };
    t.tokens += tokens;
    t.seconds += seconds;
    this.totals.set(kind, t);
  }

  /** Measured for this kind, else the mean of the measured kinds, else 1 (time in tokens). */
  secondsPerToken(kind: StageKind): number {
    const own = this.totals.get(kind);
    if (own) return own.seconds / own.tokens;
    const all = [...this.totals.values()];
    if (all.length === 0) return 1;
    return all.reduce((s, t) => s + t.seconds / t.tokens, 0) / all.length;
  }
}

/**
 * Estimated time of the longest path from each stage to the end of the DAG, the stage included.
 * `stages` must be in topological order (parents first), as a Plan's are.
 */
export function remainingPaths(stages: readonly Stage[], speed: SpeedModel, tokens: ReadonlyMap<StageKey, number>): Map<StageKey, number> {
  const children = new Map<StageKey, StageKey[]>();
  for (const s of stages) for (const p of s.parents) children.set(p, [...(children.get(p) ?? []), s.key]);
  const path = new Map<StageKey, number>();
  for (let i = stages.length - 1; i >= 0; i--) {
    const s = stages[i]!;
    const own = (tokens.get(s.key) ?? 0) * speed.secondsPerToken(s.kind);
    const after = Math.max(0, ...(children.get(s.key) ?? []).map((c) => path.get(c) ?? 0));
    path.set(s.key, own + after);
  }
  return path;
}
