/**
 * Pretraining settings by inheritance. Layers, later wins, key by key: built-ins, `defaults`,
 * `defaults.<family>` (dapt or tapt), `defaults.<type>`, the named phase or arm item. Values that
 * are shapes (schedule, replace, warmup, betas) are replaced whole; `max_steps` and `epochs` are one
 * choice, so setting either drops the other inherited one.
 */
import { BUILTIN_HELD_OUT, BUILTIN_MASKING, BUILTIN_OPTIMIZER, BUILTIN_OPTIMIZER_BY_KIND, BUILTIN_SEED } from '../builtins.ts';
import type { HeldOutSpec, MaskingSchedule, MaskingSpec, OptimSpec } from '../types.ts';
import { EXCLUSIVE_SIBLINGS } from '../vocabulary.ts';
import { int, isRecord, num, rec, type Raw } from '../view.ts';

export type SettingsKind = keyof typeof BUILTIN_OPTIMIZER_BY_KIND;

function mergeGroup(layers: unknown[], group: string, builtin: Raw): Raw {
  const out: Raw = { ...builtin };
  for (const layer of layers) {
    for (const [k, v] of Object.entries(rec(rec(layer)[group]))) {
      for (const g of EXCLUSIVE_SIBLINGS) if (g.includes(k)) for (const other of g) delete out[other];
      out[k] = v;
    }
  }
  return out;
}

export function toSchedule(m: Raw): MaskingSchedule {
  const p = num(m.probability) ?? BUILTIN_MASKING.probability;
  const s = m.schedule;
  if (!isRecord(s)) return { kind: 'constant', p };
  for (const kind of ['linear', 'cosine'] as const) {
    if (isRecord(s[kind])) {
      const ramp = s[kind] as Raw;
      return { kind, from: num(ramp.from) ?? p, to: num(ramp.to) ?? p };
    }
  }
  const step = rec(s.step);
  return { kind: 'step', values: (step.values as number[]) ?? [p], boundaries: (step.at as number[]) ?? [] };
}

function toMasking(m: Raw): MaskingSpec {
  const r = rec(m.replace);
  return {
    schedule: toSchedule(m),
    replace: { mask: num(r.mask) ?? 0.8, random: num(r.random) ?? 0.1, keep: num(r.keep) ?? 0.1 },
    wholeWord: m.whole_word === true,
    remaskEachEpoch: m.remask_each_epoch !== false,
    maxSeqLength: int(m.max_seq_length) ?? BUILTIN_MASKING.max_seq_length,
    packing: m.packing === 'line_by_line' ? 'line_by_line' : 'packed',
  };
}

function toOptim(o: Raw): OptimSpec {
  const betas = Array.isArray(o.betas) ? (o.betas as number[]) : [0.9, 0.98];
  const warmup = rec(o.warmup);
  const steps = int(o.max_steps);
  return {
    lr: num(o.lr) ?? 0,
    headLr: num(o.head_lr) ?? null,
    beta1: betas[0] ?? 0.9,
    beta2: betas[1] ?? 0.98,
    eps: num(o.eps) ?? 1e-6,
    weightDecay: num(o.weight_decay) ?? 0,
    warmup: warmup.steps !== undefined ? { steps: int(warmup.steps) ?? 0 } : { ratio: num(warmup.ratio) ?? 0 },
    decay: o.decay === 'cosine' || o.decay === 'constant' ? o.decay : 'linear',
    batchSize: int(o.batch_size) ?? 1,
    gradAccum: int(o.grad_accum) ?? 1,
    budget: steps !== undefined ? { maxSteps: steps } : { epochs: int(o.epochs) ?? 1 },
    clipNorm: o.clip_norm === null ? null : num(o.clip_norm) ?? null,
  };
}

function toHeldOut(h: Raw): HeldOutSpec {
  return { fraction: num(h.fraction) ?? BUILTIN_HELD_OUT.fraction, maxDocs: int(h.max_docs) ?? BUILTIN_HELD_OUT.max_docs, everySteps: int(h.every_steps) ?? BUILTIN_HELD_OUT.every_steps };
}

export interface ResolvedSettings {
  masking: MaskingSpec;
  optim: OptimSpec;
  heldOut: HeldOutSpec;
  seed: number;
}

/** Settings for one pretraining run from its layers (most general first). */
export function resolveSettings(kind: SettingsKind, layers: unknown[]): ResolvedSettings {
  let seed: number = BUILTIN_SEED;
  for (const layer of layers) seed = int(rec(layer).seed) ?? seed;
  return {
    masking: toMasking(mergeGroup(layers, 'masking', { ...BUILTIN_MASKING })),
    optim: toOptim(mergeGroup(layers, 'optimizer', { ...BUILTIN_OPTIMIZER, ...BUILTIN_OPTIMIZER_BY_KIND[kind] })),
    heldOut: toHeldOut(mergeGroup(layers, 'held_out', { ...BUILTIN_HELD_OUT })),
    seed,
  };
}
