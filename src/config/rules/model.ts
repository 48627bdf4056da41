/** Rules on fine-tuning seeds and model shapes. */
import type { RawIssue, Rule } from '../issues.ts';
import { BUILTIN_ARCHITECTURE, BUILTIN_MASKING } from '../builtins.ts';
import { didYouMean } from '../suggest.ts';
import { int, isRecord, list, rec } from '../view.ts';

/** Every arm is fine-tuned with the same non-empty list of distinct seeds. */
export const seedsPresentAndUnique: Rule = {
  name: 'seedsPresentAndUnique',
  check(doc) {
    const r = rec(doc);
    const hasTasks = Object.keys(rec(r.tasks)).length > 0;
    const ft = r.finetune;
    if (!isRecord(ft) || !Object.hasOwn(ft, 'seeds')) {
      // A misspelt `finetune:` is reported as an unknown key; "seeds missing" would only repeat it.
      const misspelt = ft === undefined && Object.keys(r).some((k) => didYouMean(k, ['finetune']) === 'finetune');
      if (!hasTasks || misspelt) return [];
      return [{ code: 'seeds-missing', path: isRecord(ft) ? ['finetune'] : [], at: 'key', message: 'fine-tuning needs a seed list shared by every arm, e.g. `finetune: { seeds: [1, 2, 3, 4, 5] }` (the paper uses five)', expected: 'finetune.seeds' }];
    }
    const seeds = list(ft.seeds);
    if (Array.isArray(ft.seeds) && seeds.length === 0) {
      return [{ code: 'seeds-empty', path: ['finetune', 'seeds'], message: 'the seed list is empty; list at least one seed (the paper uses five)', expected: 'at least one seed', found: 'an empty list' }];
    }
    const out: RawIssue[] = [];
    const first = new Map<unknown, number>();
    seeds.forEach((s, i) => {
      const prev = first.get(s);
      if (prev === undefined) first.set(s, i);
      else out.push({ code: 'seeds-duplicate', path: ['finetune', 'seeds', i], message: `seed ${String(s)} is listed twice (items ${prev} and ${i}); repeated seeds would count one run twice`, expected: 'distinct seeds', found: String(s) });
    });
    return out;
  },
};

/** Attention heads divide the hidden size. */
export const headsDivideHidden: Rule = {
  name: 'headsDivideHidden',
  check(doc) {
    const arch = rec(rec(rec(rec(doc).base).scratch).architecture);
    const hidden = int(arch.hidden) ?? BUILTIN_ARCHITECTURE.hidden;
    const heads = int(arch.heads) ?? BUILTIN_ARCHITECTURE.heads;
    if (heads > 0 && hidden % heads !== 0) {
      const key = arch.heads !== undefined ? 'heads' : 'hidden';
      return [{ code: 'heads-do-not-divide-hidden', path: ['base', 'scratch', 'architecture', key], message: `hidden size ${hidden} is not divisible by ${heads} attention heads`, expected: `heads dividing ${hidden}`, found: String(heads) }];
    }
    return [];
  },
};

/** Sequences of a scratch model fit its position embeddings. */
export const sequencesFitPositions: Rule = {
  name: 'sequencesFitPositions',
  check(doc) {
    const r = rec(doc);
    const scratch = rec(r.base).scratch;
    if (!isRecord(scratch)) return [];
    const positions = int(rec(scratch.architecture).max_positions) ?? BUILTIN_ARCHITECTURE.maxPositions;
    const out: RawIssue[] = [];
    const check = (v: unknown, path: Array<string | number>, what: string) => {
      const n = int(v);
      if (n !== undefined && n > positions) out.push({ code: 'sequence-too-long', path, message: `${what} (${n}) exceeds the scratch model's max_positions (${positions})`, expected: `at most ${positions}`, found: String(n) });
    };
    check(rec(scratch.masking).max_seq_length ?? rec(rec(r.defaults).masking).max_seq_length ?? BUILTIN_MASKING.max_seq_length, rec(scratch.masking).max_seq_length !== undefined ? ['base', 'scratch', 'masking', 'max_seq_length'] : ['defaults', 'masking', 'max_seq_length'], 'the pretraining sequence length');
    check(rec(r.finetune).max_seq_length, ['finetune', 'max_seq_length'], 'the fine-tuning sequence length');
    return out;
  },
};
