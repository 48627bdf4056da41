/** Rules on arms: what each chain of phases means, and the paper's control arms. */
import type { RawIssue, Rule } from '../issues.ts';
import { armEntries, armTasks, phaseArg, resolveItem, type ArmEntry, type ResolvedPhase } from '../phaseItems.ts';
import { formatPath, type DocPath } from '../paths.ts';
import { didYouMean } from '../suggest.ts';
import { NOT_DAPT_PAIRING, TAPT_FAMILY, TASK_UNLABELLED } from '../vocabulary.ts';
import { rec, str } from '../view.ts';

interface ArmPhase {
  phase: ResolvedPhase;
  itemPath: DocPath;
}

function armPhases(doc: unknown, arm: ArmEntry): ArmPhase[] {
  const out: ArmPhase[] = [];
  arm.items.forEach((item, i) => {
    const itemPath = [...arm.itemsPath, i];
    const phase = resolveItem(doc, item, itemPath);
    if (phase) out.push({ phase, itemPath });
  });
  return out;
}

/** The corpus domain map: corpus name -> domain (default: its own name). */
function corpusDomains(doc: unknown): Map<string, string> {
  const m = new Map<string, string>();
  for (const [name, v] of Object.entries(rec(rec(doc).corpora))) m.set(name, str(rec(v).domain) ?? name);
  return m;
}

/** What a ¬DAPT phase trains on: its explicit corpus, or the unique corpus of the paired domain. */
export function notDaptCorpus(doc: unknown, phase: ResolvedPhase): { corpus: string | null; domain: string | null; issue: RawIssue | null } {
  const domainArg = phaseArg(phase, 'domain');
  const domain = str(domainArg?.value) ?? null;
  const explicit = str(phaseArg(phase, 'corpus')?.value);
  if (explicit !== undefined) return { corpus: explicit, domain, issue: null };
  if (domain === null || !domainArg) return { corpus: null, domain, issue: null };
  const paired = NOT_DAPT_PAIRING[domain];
  if (paired === undefined) {
    const issue: RawIssue = { code: 'not-dapt-no-pairing', path: domainArg.path, message: `the paper pairs ¬DAPT only for ${Object.keys(NOT_DAPT_PAIRING).join(', ')}; for "${domain}" name the irrelevant corpus: {not_dapt: {domain: ${domain}, corpus: <name>}}`, expected: `one of ${Object.keys(NOT_DAPT_PAIRING).join(', ')}, or an explicit corpus`, found: domain };
    const s = didYouMean(domain, Object.keys(NOT_DAPT_PAIRING));
    if (s !== undefined) issue.suggestion = s;
    return { corpus: null, domain, issue };
  }
  const candidates = [...corpusDomains(doc)].filter(([, d]) => d === paired).map(([c]) => c);
  if (candidates.length === 1) return { corpus: candidates[0]!, domain, issue: null };
  const issue: RawIssue = candidates.length === 0
    ? { code: 'not-dapt-corpus-missing', path: domainArg.path, message: `¬DAPT for ${domain} trains on a ${paired} corpus (the paper's pairing), but no corpus has domain "${paired}"; declare one, e.g. \`${paired}: { path: corpora/${paired}, domain: ${paired} }\` under corpora:`, expected: `a corpus with domain ${paired}`, found: 'none' }
    : { code: 'not-dapt-ambiguous', path: domainArg.path, message: `several corpora have domain "${paired}" (${candidates.join(', ')}); choose one with {not_dapt: {domain: ${domain}, corpus: <name>}}`, expected: 'one corpus', found: candidates.join(', ') };
  return { corpus: null, domain, issue };
}

/** ¬DAPT must be a real control: a corpus outside the domain, never the DAPT corpus of the same tasks. */
export const notDaptIsIrrelevant: Rule = {
  name: 'notDaptIsIrrelevant',
  check(doc) {
    const out: RawIssue[] = [];
    const domains = corpusDomains(doc);
    const tasks = rec(rec(doc).tasks);
    const arms = armEntries(doc);
    const seen = new Set<string>();
    for (const arm of arms) {
      for (const { phase } of armPhases(doc, arm)) {
        if (phase.type !== 'not_dapt') continue;
        const { corpus, domain, issue } = notDaptCorpus(doc, phase);
        const where = formatPath(phase.valuePath);
        if (issue) {
          if (!seen.has(`${issue.code}${where}`)) out.push(issue);
          seen.add(`${issue.code}${where}`);
          continue;
        }
        if (corpus === null) continue;
        const at = phaseArg(phase, 'corpus')?.path ?? phase.valuePath;
        const corpusDomain = domains.get(corpus);
        const push = (i: RawIssue) => {
          const k = `${i.code}${where}${i.message}`;
          if (!seen.has(k)) out.push(i);
          seen.add(k);
        };
        if (domain !== null && corpusDomain === domain) {
          push({ code: 'not-dapt-relevant', path: at, message: `¬DAPT for ${domain} must use a corpus outside ${domain}, but "${corpus}" is a ${domain} corpus`, expected: `a corpus whose domain is not ${domain}`, found: corpus });
          continue;
        }
        const armTaskNames = armTasks(doc, arm);
        const sameDomain = armTaskNames.filter((t) => corpusDomain !== undefined && str(rec(tasks[t]).domain) === corpusDomain);
        if (sameDomain.length > 0) {
          push({ code: 'not-dapt-relevant', path: at, message: `arm "${arm.name}" fine-tunes on ${sameDomain.join(', ')} (domain ${corpusDomain}), but its ¬DAPT corpus "${corpus}" is a ${corpusDomain} corpus: that is DAPT, not the irrelevant control`, expected: `a corpus outside ${corpusDomain}`, found: corpus });
        }
        for (const other of arms) {
          if (!armTasks(doc, other).some((t) => armTaskNames.includes(t))) continue;
          for (const o of armPhases(doc, other)) {
            if (o.phase.type === 'dapt' && str(phaseArg(o.phase, 'corpus')?.value) === corpus) {
              push({ code: 'not-dapt-relevant', path: at, message: `¬DAPT in arm "${arm.name}" uses "${corpus}", the corpus arm "${other.name}" adapts to for the same tasks; the control must differ from the treatment`, expected: `a corpus other than ${corpus}`, found: corpus });
            }
          }
        }
      }
    }
    return out;
  },
};

function identity(doc: unknown, phase: ResolvedPhase): string {
  const args: Record<string, unknown> = {};
  for (const k of ['corpus', 'domain', 'pool', 'k', 'task', 'size_of', 'embedder']) {
    const a = phaseArg(phase, k);
    if (a) args[k] = a.value;
  }
  if (phase.type === 'not_dapt') args.corpus = notDaptCorpus(doc, phase).corpus;
  return JSON.stringify([phase.type === 'not_dapt' ? 'dapt' : phase.type, args.corpus ?? null, args.pool ?? null, args.k ?? null, args.task ?? null, args.size_of ?? null, args.embedder ?? null]);
}

/** An arm does not run the same phase (same kind on the same data) twice. */
export const armsDoNotRepeatPhases: Rule = {
  name: 'armsDoNotRepeatPhases',
  check(doc) {
    const out: RawIssue[] = [];
    for (const arm of armEntries(doc)) {
      const first = new Map<string, number>();
      armPhases(doc, arm).forEach(({ phase, itemPath }, i) => {
        const id = identity(doc, phase);
        const prev = first.get(id);
        if (prev === undefined) first.set(id, i);
        else out.push({ code: 'repeated-phase', path: itemPath, message: `arm "${arm.name}" runs the same ${phase.type} phase twice (items ${prev} and ${i}); a chain must not repeat a phase`, found: phase.named ?? phase.type });
      });
    }
    return out;
  },
};

function knnPhases(doc: unknown, armName: string): ResolvedPhase[] {
  const arm = armEntries(doc).find((a) => a.name === armName);
  return arm ? armPhases(doc, arm).map((p) => p.phase).filter((p) => p.type === 'knn_tapt') : [];
}

/** `rand_tapt: {size_of: X}` names an arm with exactly one kNN-TAPT phase; without it, pool and k are given. */
export const randTaptIsSized: Rule = {
  name: 'randTaptIsSized',
  check(doc) {
    const out: RawIssue[] = [];
    const arms = armEntries(doc).map((a) => a.name);
    for (const arm of armEntries(doc)) {
      for (const { phase } of armPhases(doc, arm)) {
        if (phase.type !== 'rand_tapt') continue;
        const sizeOf = phaseArg(phase, 'size_of');
        const target = str(sizeOf?.value);
        if (sizeOf && target !== undefined) {
          if (!arms.includes(target)) continue; // reported by armReferencesExist
          const knn = knnPhases(doc, target);
          if (knn.length === 0) out.push({ code: 'size-of-not-knn', path: sizeOf.path, message: `size_of must name an arm with a knn_tapt phase, but arm "${target}" has none`, expected: 'an arm with one knn_tapt phase', found: target });
          else if (knn.length > 1) out.push({ code: 'size-of-ambiguous', path: sizeOf.path, message: `arm "${target}" has ${knn.length} knn_tapt phases; size_of needs exactly one`, found: target });
          continue;
        }
        for (const key of ['pool', 'k']) {
          if (!phaseArg(phase, key)) out.push({ code: 'rand-tapt-unsized', path: phase.valuePath, at: 'key', message: `rand_tapt needs "${key}" unless it is size-matched with size_of: <knn arm>`, expected: `"${key}:" or "size_of:"` });
        }
      }
    }
    return out;
  },
};

/** Transfer-TAPT trains on another task's text: the arm must not be fine-tuned on that same task, and needs another. */
export const transferTaptUsesOtherTask: Rule = {
  name: 'transferTaptUsesOtherTask',
  check(doc) {
    const out: RawIssue[] = [];
    for (const arm of armEntries(doc)) {
      for (const { phase } of armPhases(doc, arm)) {
        const arg = phase.type === 'transfer_tapt' ? phaseArg(phase, 'task') : null;
        const source = str(arg?.value);
        if (!arg || source === undefined) continue;
        if (armTasks(doc, arm).includes(source)) {
          out.push({ code: 'transfer-same-task', path: arg.path, message: `arm "${arm.name}" lists ${source} in its tasks, so Transfer-TAPT from ${source} would be plain TAPT there; remove it from the arm's \`tasks:\` (without \`tasks:\` the source task is left out)`, expected: 'a task the arm is not fine-tuned on', found: source });
        } else if (armTasks(doc, arm).length === 0 && Object.hasOwn(rec(rec(doc).tasks), source)) {
          out.push({ code: 'tapt-without-tasks', path: arg.path, message: `arm "${arm.name}" would fine-tune on no task: ${source} is the Transfer-TAPT source and there is no other task`, expected: 'another task to fine-tune on' });
        }
      }
    }
    return out;
  },
};

/** Phases that read task text need tasks; `task_unlabelled` needs tasks with a labelled subset. */
export const taskTextIsAvailable: Rule = {
  name: 'taskTextIsAvailable',
  check(doc) {
    const out: RawIssue[] = [];
    const tasks = rec(rec(doc).tasks);
    for (const arm of armEntries(doc)) {
      const names = armTasks(doc, arm);
      for (const { phase, itemPath } of armPhases(doc, arm)) {
        if (TAPT_FAMILY.has(phase.type) && phase.type !== 'transfer_tapt' && names.length === 0) {
          out.push({ code: 'tapt-without-tasks', path: itemPath, message: `${phase.type} trains on the fine-tuned tasks' text, but arm "${arm.name}" has no tasks`, expected: 'tasks: under the experiment or the arm' });
        }
        const pool = phase.type === 'curated_tapt' ? phaseArg(phase, 'pool') : null;
        if (pool && pool.value === TASK_UNLABELLED) {
          for (const t of names) {
            if (Object.hasOwn(tasks, t) && rec(tasks[t]).labelled === undefined) {
              out.push({ code: 'no-unlabelled-pool', path: pool.path, message: `pool task_unlabelled is the unlabelled remainder of a low-resource split, but task ${t} (arm "${arm.name}") has no \`labelled:\` size`, expected: `tasks.${t}.labelled`, found: 'no labelled subset' });
            }
          }
        }
      }
    }
    return out;
  },
};

/** The report's reference arm is known: `baseline_arm`, or the single arm without phases. */
export const baselineArmIsDefined: Rule = {
  name: 'baselineArmIsDefined',
  check(doc) {
    const r = rec(doc);
    if (r.baseline_arm !== undefined || !Object.hasOwn(r, 'arms')) return [];
    const arms = armEntries(doc);
    if (arms.some((a) => !a.wellFormed)) return []; // cannot tell which arm was meant
    const empty = arms.filter((a) => a.items.length === 0);
    if (empty.length === 1) return [];
    if (empty.length === 0) {
      return [{ code: 'baseline-arm-missing', path: ['arms'], at: 'key', message: 'no arm without phases to compare with; add `baseline: []` or set `baseline_arm: <arm>`', expected: 'an arm with no phases, or baseline_arm' }];
    }
    return [{ code: 'baseline-arm-ambiguous', path: ['arms'], at: 'key', message: `several arms have no phases (${empty.map((a) => a.name).join(', ')}); set \`baseline_arm:\``, expected: 'one arm without phases, or baseline_arm', found: empty.map((a) => a.name).join(', ') }];
  },
};

/** Paper targets name cells the study runs: the arm is fine-tuned on that task. */
export const targetsArePlanned: Rule = {
  name: 'targetsArePlanned',
  check(doc) {
    const out: RawIssue[] = [];
    const arms = new Map(armEntries(doc).map((a) => [a.name, a]));
    for (const [armName, row] of Object.entries(rec(rec(doc).targets))) {
      const arm = arms.get(armName);
      if (!arm) continue;
      for (const task of Object.keys(rec(row))) {
        if (Object.hasOwn(rec(rec(doc).tasks), task) && !armTasks(doc, arm).includes(task)) {
          out.push({ code: 'target-not-planned', path: ['targets', armName, task], at: 'key', message: `arm "${armName}" is not fine-tuned on ${task}, so this target has nothing to compare with`, expected: `one of ${armTasks(doc, arm).join(', ')}`, found: task });
        }
      }
    }
    return out;
  },
};
