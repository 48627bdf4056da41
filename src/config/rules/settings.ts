/** Rules on masking and optimiser settings, checked wherever they are written (so the error points there). */
import type { RawIssue, Rule } from '../issues.ts';
import { phaseSites } from '../phaseItems.ts';
import type { DocPath } from '../paths.ts';
import { PHASE_TYPES } from '../vocabulary.ts';
import { isRecord, list, num, rec } from '../view.ts';

/** Every mapping that may hold `masking:`, `optimizer:`, `held_out:` (defaults, per-type defaults, phases, scratch base). */
export function settingsSites(doc: unknown): Array<{ path: DocPath; value: Record<string, unknown> }> {
  const out: Array<{ path: DocPath; value: Record<string, unknown> }> = [];
  const defaults = rec(rec(doc).defaults);
  if (isRecord(rec(doc).defaults)) out.push({ path: ['defaults'], value: defaults });
  for (const t of PHASE_TYPES) if (isRecord(defaults[t])) out.push({ path: ['defaults', t], value: rec(defaults[t]) });
  for (const { phase } of phaseSites(doc)) if (isRecord(phase.value)) out.push({ path: phase.valuePath, value: phase.value });
  const scratch = rec(rec(doc).base).scratch;
  if (isRecord(scratch)) out.push({ path: ['base', 'scratch'], value: scratch });
  return out;
}

function open01(v: number): boolean {
  return v > 0 && v < 1;
}

/** The masking probability lies strictly between 0 and 1. */
export const maskingProbabilityInRange: Rule = {
  name: 'maskingProbabilityInRange',
  check(doc) {
    const out: RawIssue[] = [];
    for (const site of settingsSites(doc)) {
      const p = num(rec(site.value.masking).probability);
      if (p !== undefined && !open01(p)) {
        out.push({ code: 'probability-out-of-range', path: [...site.path, 'masking', 'probability'], message: `a masking probability must be strictly between 0 and 1 (0.15 is BERT's)`, expected: 'a number in (0, 1)', found: String(p) });
      }
    }
    return out;
  },
};

/** Linear/cosine schedule ends and step values lie strictly between 0 and 1. */
export const scheduleEndsInRange: Rule = {
  name: 'scheduleEndsInRange',
  check(doc) {
    const out: RawIssue[] = [];
    for (const site of settingsSites(doc)) {
      const base: DocPath = [...site.path, 'masking', 'schedule'];
      const schedule = rec(rec(site.value.masking).schedule);
      for (const kind of ['linear', 'cosine']) {
        const ramp = rec(schedule[kind]);
        for (const end of ['from', 'to']) {
          const v = num(ramp[end]);
          if (v !== undefined && !open01(v)) out.push({ code: 'schedule-out-of-range', path: [...base, kind, end], message: `the ${kind} schedule's "${end}" must be strictly between 0 and 1`, expected: 'a number in (0, 1)', found: String(v) });
        }
      }
      list(rec(schedule.step).values).forEach((v, i) => {
        const n = num(v);
        if (n !== undefined && !open01(n)) out.push({ code: 'schedule-out-of-range', path: [...base, 'step', 'values', i], message: 'every step-schedule value must be strictly between 0 and 1', expected: 'a number in (0, 1)', found: String(n) });
      });
    }
    return out;
  },
};

/** A step schedule has one more value than boundaries, and its boundaries increase strictly inside (0, 1). */
export const stepScheduleWellFormed: Rule = {
  name: 'stepScheduleWellFormed',
  check(doc) {
    const out: RawIssue[] = [];
    for (const site of settingsSites(doc)) {
      const step = rec(rec(rec(site.value.masking).schedule).step);
      const path: DocPath = [...site.path, 'masking', 'schedule', 'step'];
      const values = list(step.values);
      const bounds = list(step.at);
      if (Array.isArray(step.values) && Array.isArray(step.at) && values.length !== bounds.length + 1) {
        out.push({ code: 'step-values-count', path: [...path, 'values'], message: `a step schedule needs exactly one more value than boundaries (${bounds.length} boundaries -> ${bounds.length + 1} values)`, expected: `${bounds.length + 1} values`, found: `${values.length} values` });
      }
      bounds.forEach((b, i) => {
        const n = num(b);
        if (n === undefined) return;
        const prev = i > 0 ? num(bounds[i - 1]) : undefined;
        if (!open01(n)) out.push({ code: 'step-boundaries', path: [...path, 'at', i], message: 'step boundaries are fractions of training strictly between 0 and 1', expected: 'a number in (0, 1)', found: String(n) });
        else if (prev !== undefined && n <= prev) out.push({ code: 'step-boundaries', path: [...path, 'at', i], message: 'step boundaries must increase strictly', expected: `a number greater than ${prev}`, found: String(n) });
      });
    }
    return out;
  },
};

/** The [MASK]/random/keep split of selected tokens sums to 1. */
export const replaceSplitSumsToOne: Rule = {
  name: 'replaceSplitSumsToOne',
  check(doc) {
    const out: RawIssue[] = [];
    for (const site of settingsSites(doc)) {
      const r = rec(rec(site.value.masking).replace);
      const parts = [num(r.mask), num(r.random), num(r.keep)];
      if (parts.some((p) => p === undefined)) continue;
      const sum = (parts as number[]).reduce((a, b) => a + b, 0);
      if (Math.abs(sum - 1) > 1e-9) {
        out.push({ code: 'replace-split-sum', path: [...site.path, 'masking', 'replace'], message: `mask + random + keep must sum to 1 (BERT: 0.8 / 0.1 / 0.1)`, expected: '1', found: String(Number(sum.toPrecision(12))) });
      }
    }
    return out;
  },
};

/** A training length is `max_steps` or `epochs`, not both in one mapping. */
export const budgetIsSingle: Rule = {
  name: 'budgetIsSingle',
  check(doc) {
    const out: RawIssue[] = [];
    for (const site of settingsSites(doc)) {
      const o = rec(site.value.optimizer);
      if (Object.hasOwn(o, 'max_steps') && Object.hasOwn(o, 'epochs')) {
        out.push({ code: 'budget-conflict', path: [...site.path, 'optimizer', 'epochs'], at: 'key', message: 'set either max_steps or epochs, not both', expected: 'one of max_steps, epochs', found: 'both' });
      }
    }
    return out;
  },
};

/** Fractions that must be ratios: held-out share, warm-up ratio, dropout, degenerate threshold. */
export const ratiosInRange: Rule = {
  name: 'ratiosInRange',
  check(doc) {
    const out: RawIssue[] = [];
    const check = (v: unknown, path: DocPath, what: string, lo: 'open' | 'closed', hi: 'open' | 'closed') => {
      const n = num(v);
      if (n === undefined) return;
      const ok = (lo === 'open' ? n > 0 : n >= 0) && (hi === 'open' ? n < 1 : n <= 1);
      if (!ok) out.push({ code: 'ratio-out-of-range', path, message: `${what} must be in ${lo === 'open' ? '(' : '['}0, 1${hi === 'open' ? ')' : ']'}`, expected: `a number in ${lo === 'open' ? '(' : '['}0, 1${hi === 'open' ? ')' : ']'}`, found: String(n) });
    };
    for (const site of settingsSites(doc)) {
      check(rec(site.value.held_out).fraction, [...site.path, 'held_out', 'fraction'], 'the held-out fraction', 'open', 'open');
      check(rec(rec(site.value.optimizer).warmup).ratio, [...site.path, 'optimizer', 'warmup', 'ratio'], 'the warm-up ratio', 'closed', 'open');
    }
    const ft = rec(rec(doc).finetune);
    check(ft.warmup_ratio, ['finetune', 'warmup_ratio'], 'the warm-up ratio', 'closed', 'open');
    check(ft.dropout, ['finetune', 'dropout'], 'dropout', 'closed', 'open');
    check(rec(ft.degenerate).threshold, ['finetune', 'degenerate', 'threshold'], 'a numeric degenerate threshold (a dev-metric value)', 'closed', 'closed');
    const arch = rec(rec(rec(rec(doc).base).scratch).architecture);
    check(arch.dropout, ['base', 'scratch', 'architecture', 'dropout'], 'dropout', 'closed', 'open');
    check(arch.attention_dropout, ['base', 'scratch', 'architecture', 'attention_dropout'], 'attention dropout', 'closed', 'open');
    return out;
  },
};
