/**
 * The planner: a pure function from a validated experiment (plus the content ids of its inputs)
 * to a DAG of stages. Everything a stage's output depends on goes into its params; everything
 * that only says why it exists (experiment, point, arm, task names) goes into its labels.
 */
import type { ArmSpec, CorpusDef, Experiment, ExperimentSpec, HeldOutSpec, MaskingSpec, PhaseSpec, ReferenceSpec, SweepPoint } from '../config/types.ts';
import { PlanBuilder } from './builder.ts';
import { paperClaims } from './claims.ts';
import { ChainWalker, modelFromStage, type ModelRef, type PointContext } from './chain.ts';
import { InputResolver } from './inputs.ts';
import { PLAN_FORMAT_VERSION } from './key.ts';
import { Projector } from './project.ts';
import type {
  AggregateParams,
  ClaimSpec,
  EvaluateParams,
  InputCatalog,
  MlmCell,
  Plan,
  PlannedExperiment,
  ProbeCell,
  ReferenceCell,
  ResultCell,
  StageKey,
  StageLabel,
} from './types.ts';

/** What the points of one experiment add to its aggregate stage. */
interface Collected {
  cells: ResultCell[];
  mlm: MlmCell[];
  references: ReferenceCell[];
  probes: ProbeCell[];
  claims: ClaimSpec[];
  evaluates: StageKey[];
}

/** `StageLabel.phase` of the from-scratch base model's uses. */
export const BASE_PHASE = 'base';

const CLASSIFIER_SPLITS: Array<'dev' | 'test'> = ['dev', 'test'];

/** Held-out MLM loss is always measured with BERT's standard masking (15%, 80/10/10, packed,
 *  seed 0), so models trained with any masking recipe are scored alike (paper Tables 1, 12). */
const MLM_EVAL_MASK_PROBABILITY = 0.15;
const MLM_EVAL_SEED = 0;
const MLM_EVAL_HELD_OUT = { fraction: 0.01, maxDocs: 200 };

/** Plans one experiment file: every point × arm × task × seed, its MLM evaluations and one aggregate. */
export function planExperiment(experiment: Experiment, catalog: InputCatalog): Plan {
  const builder = new PlanBuilder();
  const project = new Projector(builder.canon);
  const out: Collected = { cells: [], mlm: [], references: [], probes: [], claims: [], evaluates: [] };
  for (const point of experiment.points) planPoint(experiment, point, catalog, builder, project, out);
  const params: AggregateParams = {
    experiment: experiment.name,
    baselineArm: experiment.baselineArm,
    cells: out.cells,
    mlm: out.mlm,
    targets: copyTargets(experiment.targets),
    ...(out.references.length > 0 ? { references: out.references } : {}),
    ...(out.probes.length > 0 ? { probes: out.probes } : {}),
    ...(out.claims.length > 0 ? { claims: out.claims } : {}),
  };
  const aggregate = builder.add({ kind: 'aggregate', params, parents: out.evaluates, title: `aggregate ${experiment.name}` }, { experiment: experiment.name });
  return { formatVersion: PLAN_FORMAT_VERSION, experiments: [describe(experiment, aggregate)], stages: builder.stages() };
}

function planPoint(experiment: Experiment, point: SweepPoint, catalog: InputCatalog, builder: PlanBuilder, project: Projector, out: Collected): void {
  const spec = point.spec;
  const resolve = new InputResolver(spec, catalog, builder.canon);
  const ctx: PointContext = { experiment, point, builder, resolve, project, base: baseModel(experiment, point, resolve, builder, project) };
  const walker = new ChainWalker(ctx);
  const hparams = project.finetune(spec.finetune);
  const finals: Array<{ arm: string; models: Map<StageKey, { model: ModelRef; tasks: string[] }> }> = [];
  const { evaluates } = out;

  for (const arm of spec.arms) {
    const models = new Map<StageKey, { model: ModelRef; tasks: string[] }>();
    // An arm without tasks (an LM-only study) still trains its model, for the MLM evaluations.
    const chains = arm.tasks.length > 0 ? arm.tasks : taskIndependent(arm) ? [null] : [];
    for (const task of chains) {
      if (task === null) {
        const { model } = walker.chain(arm, '');
        if (model.stage !== null && arm.phases.length > 0) models.set(model.stage, { model, tasks: [] });
        continue;
      }
      // The base is one use per (arm, task) like every other stage, so it counts as shared.
      if (ctx.base.stage !== null) builder.use(ctx.base.stage, { experiment: experiment.name, point: point.name, arm: arm.name, phase: BASE_PHASE, task });
      const { model } = walker.chain(arm, task);
      if (model.stage !== null && arm.phases.length > 0) {
        const seen = models.get(model.stage);
        if (seen) seen.tasks.push(task);
        else models.set(model.stage, { model, tasks: [task] });
      }
      const input = resolve.taskInput(task);
      const taskDef = resolve.task(task);
      const loc = resolve.taskContent(taskDef);
      for (const seed of spec.finetune.seeds) {
        const label: StageLabel = { experiment: experiment.name, point: point.name, arm: arm.name, task, seed };
        const finetune = builder.add(
          {
            kind: 'finetune',
            params: { init: model.init, task: input, metric: taskDef.metric, hparams, seed },
            parents: model.stage === null ? [] : [model.stage],
            title: `finetune ${task} s${seed} [${arm.name}]`,
            inputs: { [loc.content]: loc.location, ...model.inputs },
          },
          label,
        );
        const evaluate = builder.add(
          {
            kind: 'evaluate',
            params: { target: 'classifier', finetune, task: input, metric: taskDef.metric, splits: CLASSIFIER_SPLITS },
            parents: [finetune],
            title: `evaluate ${task} s${seed} [${arm.name}]`,
            inputs: { [loc.content]: loc.location },
          },
          label,
        );
        evaluates.push(evaluate);
        out.cells.push({ experiment: experiment.name, point: point.name, arm: arm.name, task, seed, metric: taskDef.metric, finetune, evaluate });
      }
      if (spec.probe !== null) {
        const params: EvaluateParams = { target: 'probe', init: model.init, task: input, metric: taskDef.metric, maxSeqLength: spec.probe.maxSeqLength, classifier: project.classifier(spec.probe.classifier) };
        const probe = builder.add(
          { kind: 'evaluate', params, parents: model.stage === null ? [] : [model.stage], title: `evaluate probe ${task} [${arm.name}]`, inputs: { [loc.content]: loc.location, ...model.inputs } },
          { experiment: experiment.name, point: point.name, arm: arm.name, task },
        );
        evaluates.push(probe);
        out.probes.push({ experiment: experiment.name, point: point.name, arm: arm.name, task, metric: taskDef.metric, evaluate: probe });
      }
    }
    finals.push({ arm: arm.name, models });
  }

  const tasks = [...new Set(spec.arms.flatMap((a) => a.tasks))];
  for (const task of tasks) {
    if (spec.reference !== null) planReference(experiment, point, task, spec.reference, resolve, builder, project, out);
    out.claims.push(...paperClaims(spec, point.name, task, experiment.baselineArm));
  }
  planMlmEvaluations(experiment, point, ctx, finals, out);
}

/** Whether an arm's model is the same for every task (no TAPT-like phase), so it exists without one. */
function taskIndependent(arm: ArmSpec): boolean {
  return arm.phases.every((p) => p.source.type === 'dapt');
}

function planReference(
  experiment: Experiment,
  point: SweepPoint,
  task: string,
  reference: ReferenceSpec,
  resolve: InputResolver,
  builder: PlanBuilder,
  project: Projector,
  out: Collected,
): void {
  const taskDef = resolve.task(task);
  const loc = resolve.taskContent(taskDef);
  const params: EvaluateParams = {
    target: 'reference',
    task: resolve.taskInput(task),
    metric: taskDef.metric,
    features: { ngramMax: reference.ngramMax, maxFeatures: reference.maxFeatures },
    classifier: project.classifier(reference.classifier),
  };
  const evaluate = builder.add(
    { kind: 'evaluate', params, parents: [], title: `evaluate reference ${task}`, inputs: { [loc.content]: loc.location } },
    { experiment: experiment.name, point: point.name, task },
  );
  out.evaluates.push(evaluate);
  out.references.push({ experiment: experiment.name, point: point.name, task, metric: taskDef.metric, evaluate });
}

/** Held-out MLM loss of the base and of every arm's final model(s) on the `mlm_evaluation` corpora. */
function planMlmEvaluations(
  experiment: Experiment,
  point: SweepPoint,
  ctx: PointContext,
  finals: Array<{ arm: string; models: Map<StageKey, { model: ModelRef; tasks: string[] }> }>,
  out: Collected,
): void {
  const { spec } = point;
  const { builder, resolve } = ctx;
  const protocols = new Map<string, ReturnType<typeof mlmProtocol>>();
  const mlmEval = (model: ModelRef, corpus: CorpusDef, who: { arm?: string; task?: string }): void => {
    const c = resolve.corpusContent(corpus);
    let protocol = protocols.get(corpus.path);
    if (protocol === undefined) protocols.set(corpus.path, (protocol = mlmProtocol(spec, corpus)));
    const params: EvaluateParams = { target: 'mlm', init: model.init, corpus: c.content, heldOut: protocol.heldOut, maxSeqLength: protocol.masking.maxSeqLength, seed: MLM_EVAL_SEED, masking: protocol.masking };
    const label: StageLabel = { experiment: experiment.name, point: point.name, ...who, corpus: corpus.name };
    const whose = who.arm === undefined ? 'base' : who.task === undefined ? who.arm : `${who.arm} ${who.task}`;
    const evaluate = builder.add(
      { kind: 'evaluate', params, parents: model.stage === null ? [] : [model.stage], title: `evaluate mlm(${corpus.name}) [${whose}]`, inputs: { [c.content]: c.location, ...model.inputs } },
      label,
    );
    out.evaluates.push(evaluate);
    const cell: MlmCell = { experiment: experiment.name, point: point.name, model: who.arm ?? 'base', corpus: corpus.name, evaluate };
    if (who.task !== undefined) cell.task = who.task;
    out.mlm.push(cell);
  };

  const baseCorpora = spec.base.kind === 'scratch' ? [...spec.mlmEvaluation, ...spec.base.evaluateOn] : spec.mlmEvaluation;
  for (const corpus of uniqueByPath(baseCorpora)) mlmEval(ctx.base, corpus, {});
  for (const { arm, models } of finals) {
    const perTask = models.size > 1;
    for (const { model, tasks } of models.values()) {
      for (const corpus of uniqueByPath(spec.mlmEvaluation)) {
        if (perTask) for (const task of tasks) mlmEval(model, corpus, { arm, task });
        else mlmEval(model, corpus, { arm });
      }
    }
  }
}

function baseModel(experiment: Experiment, point: SweepPoint, resolve: InputResolver, builder: PlanBuilder, project: Projector): ModelRef {
  const base = point.spec.base;
  if (base.kind === 'checkpoint') {
    const c = resolve.checkpointContent(base.path);
    return { init: { from: 'checkpoint', content: c.content }, stage: null, name: 'base', inputs: { [c.content]: c.location } };
  }
  const c = resolve.corpusContent(base.corpus);
  const params = {
    init: { from: 'scratch' as const, architecture: project.architecture(base.architecture), tokenizer: { ...project.tokenizer(base.tokenizer), corpus: c.content } },
    data: [{ kind: 'corpus' as const, content: c.content }],
    masking: project.masking(base.masking),
    optim: project.optim(base.optim),
    heldOut: project.heldOut(base.heldOut),
    seed: base.seed,
  };
  const key = builder.add(
    { kind: 'pretrain', params, parents: [], title: `pretrain scratch(${base.corpus.name})`, inputs: { [c.content]: c.location } },
    { experiment: experiment.name, point: point.name, phase: BASE_PHASE, corpus: base.corpus.name },
  );
  return modelFromStage(key, 'base');
}

/**
 * The yardstick for held-out MLM loss on a corpus, the same for every model of the point and, as
 * far as the files allow, of every file (so the base model is scored once for all of them):
 *  - documents: the corpus's last ones (1%, at most 200), fewer if a pretraining stage that trains
 *    on this corpus held out fewer. Held-out sets are "the last min(maxDocs, fraction·N)", so
 *    the element-wise minimum is a subset of every such stage's held-out set: no model is scored
 *    on documents it trained on.
 *  - length: the shortest pretraining sequence length of the point (every model trained there
 *    supports it), else the fine-tuning length.
 */
function mlmProtocol(spec: ExperimentSpec, corpus: CorpusDef): { heldOut: HeldOutSpec; masking: MaskingSpec } {
  const pretraining: Array<{ heldOut: HeldOutSpec; masking: MaskingSpec }> = spec.arms.flatMap((a) => a.phases);
  if (spec.base.kind === 'scratch') pretraining.push(spec.base);
  const onCorpus = (p: PhaseSpec): boolean => {
    const s = p.source;
    const name = s.type === 'dapt' ? s.corpus : s.type === 'curated_tapt' && 'corpus' in s.pool ? s.pool.corpus : null;
    return name !== null && spec.corpora[name]?.path === corpus.path;
  };
  const trainedOn: HeldOutSpec[] = spec.arms.flatMap((a) => a.phases.filter(onCorpus).map((p) => p.heldOut));
  if (spec.base.kind === 'scratch' && spec.base.corpus.path === corpus.path) trainedOn.push(spec.base.heldOut);
  const lengths = pretraining.map((p) => p.masking.maxSeqLength);
  return {
    heldOut: {
      fraction: Math.min(MLM_EVAL_HELD_OUT.fraction, ...trainedOn.map((h) => h.fraction)),
      maxDocs: Math.min(MLM_EVAL_HELD_OUT.maxDocs, ...trainedOn.map((h) => h.maxDocs)),
      everySteps: 0,
    },
    masking: {
      schedule: { kind: 'constant', p: MLM_EVAL_MASK_PROBABILITY },
      replace: { mask: 0.8, random: 0.1, keep: 0.1 },
      wholeWord: false,
      remaskEachEpoch: false,
      maxSeqLength: lengths.length > 0 ? Math.min(...lengths) : spec.finetune.maxSeqLength,
      packing: 'packed',
    },
  };
}

function uniqueByPath(corpora: CorpusDef[]): CorpusDef[] {
  const seen = new Set<string>();
  return corpora.filter((c) => (seen.has(c.path) ? false : (seen.add(c.path), true)));
}

function copyTargets(targets: Experiment['targets']): AggregateParams['targets'] {
  const out: AggregateParams['targets'] = {};
  for (const [arm, byTask] of Object.entries(targets)) {
    const copy: Record<string, { mean: number; std: number | null }> = {};
    for (const [task, t] of Object.entries(byTask)) copy[task] = { mean: t.mean, std: t.std };
    out[arm] = copy;
  }
  return out;
}

function describe(experiment: Experiment, aggregate: StageKey): PlannedExperiment {
  const arms = new Set<string>();
  const tasks = new Set<string>();
  const seeds = new Set<number>();
  for (const p of experiment.points) {
    for (const a of p.spec.arms) {
      arms.add(a.name);
      a.tasks.forEach((t) => tasks.add(t));
    }
    p.spec.finetune.seeds.forEach((s) => seeds.add(s));
  }
  return {
    name: experiment.name,
    file: experiment.file,
    points: experiment.points.map((p) => p.name),
    arms: [...arms],
    tasks: [...tasks],
    seeds: [...seeds],
    baselineArm: experiment.baselineArm,
    aggregate,
  };
}
