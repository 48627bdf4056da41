/** Rules: every name used in the file (corpus, task, arm, phase) is declared. */
import type { RawIssue, Rule } from '../issues.ts';
import { armEntries, phaseArg, phaseSites, resolveItem } from '../phaseItems.ts';
import type { DocPath } from '../paths.ts';
import { didYouMean } from '../suggest.ts';
import { PHASE_TYPES, TASK_UNLABELLED } from '../vocabulary.ts';
import { list, rec, str } from '../view.ts';

function unknownName(kind: string, name: string, path: DocPath, known: string[], section: string, at?: 'key'): RawIssue {
  const issue: RawIssue = {
    code: `unknown-${kind}`,
    path,
    message: `unknown ${kind} "${name}"`,
    expected: known.length > 0 ? `one of the ${section}: ${known.join(', ')}` : `a name declared under \`${section}:\` (there is none yet)`,
    found: name,
  };
  if (at) issue.at = at;
  const s = didYouMean(name, known);
  if (s !== undefined) issue.suggestion = s;
  return issue;
}

/** Corpus names in phases, the scratch base, `evaluate_on` and `mlm_evaluation` exist under `corpora:`. */
export const corpusReferencesExist: Rule = {
  name: 'corpusReferencesExist',
  check(doc) {
    const corpora = Object.keys(rec(rec(doc).corpora));
    const out: RawIssue[] = [];
    const check = (v: unknown, path: DocPath, extra: string[] = []) => {
      const name = str(v);
      if (name !== undefined && !corpora.includes(name) && !extra.includes(name)) out.push(unknownName('corpus', name, path, [...corpora, ...extra], 'corpora'));
    };
    for (const { phase } of phaseSites(doc)) {
      for (const key of ['corpus', 'pool']) {
        const arg = phaseArg(phase, key);
        if (arg) check(arg.value, arg.path, phase.type === 'curated_tapt' ? [TASK_UNLABELLED] : []);
      }
    }
    const scratch = rec(rec(rec(doc).base).scratch);
    check(scratch.corpus, ['base', 'scratch', 'corpus']);
    list(scratch.evaluate_on).forEach((v, i) => check(v, ['base', 'scratch', 'evaluate_on', i]));
    list(rec(doc).mlm_evaluation).forEach((v, i) => check(v, ['mlm_evaluation', i]));
    return out;
  },
};

/** Task names in arms, Transfer-TAPT and targets exist under `tasks:`. */
export const taskReferencesExist: Rule = {
  name: 'taskReferencesExist',
  check(doc) {
    const tasks = Object.keys(rec(rec(doc).tasks));
    const out: RawIssue[] = [];
    for (const arm of armEntries(doc)) {
      (arm.tasks ?? []).forEach((t, i) => {
        const name = str(t);
        if (name !== undefined && !tasks.includes(name)) out.push(unknownName('task', name, [...arm.tasksPath, i], tasks, 'tasks'));
      });
    }
    for (const { phase } of phaseSites(doc)) {
      const arg = phaseArg(phase, 'task');
      const name = str(arg?.value);
      if (arg && name !== undefined && !tasks.includes(name)) out.push(unknownName('task', name, arg.path, tasks, 'tasks'));
    }
    for (const [arm, row] of Object.entries(rec(rec(doc).targets))) {
      for (const task of Object.keys(rec(row))) {
        if (!tasks.includes(task)) out.push(unknownName('task', task, ['targets', arm, task], tasks, 'tasks', 'key'));
      }
    }
    return out;
  },
};

/** Arm names in `size_of`, `baseline_arm` and `targets` exist under `arms:`. */
export const armReferencesExist: Rule = {
  name: 'armReferencesExist',
  check(doc) {
    const arms = armEntries(doc).map((a) => a.name);
    const declared = Object.hasOwn(rec(doc), 'arms') ? arms : ['baseline'];
    const out: RawIssue[] = [];
    for (const { phase } of phaseSites(doc)) {
      const arg = phase.type === 'rand_tapt' ? phaseArg(phase, 'size_of') : null;
      const name = str(arg?.value);
      if (arg && name !== undefined && !declared.includes(name)) out.push(unknownName('arm', name, arg.path, declared, 'arms'));
    }
    const baseline = str(rec(doc).baseline_arm);
    if (baseline !== undefined && !declared.includes(baseline)) out.push(unknownName('arm', baseline, ['baseline_arm'], declared, 'arms'));
    for (const arm of Object.keys(rec(rec(doc).targets))) {
      if (!declared.includes(arm)) out.push(unknownName('arm', arm, ['targets', arm], declared, 'arms', 'key'));
    }
    return out;
  },
};

/** A name in an arm's phase list is a `phases:` entry or the built-in `tapt`. */
export const phaseReferencesExist: Rule = {
  name: 'phaseReferencesExist',
  check(doc) {
    const named = Object.keys(rec(rec(doc).phases));
    const out: RawIssue[] = [];
    for (const arm of armEntries(doc)) {
      arm.items.forEach((item, i) => {
        const name = str(item);
        if (name === undefined || resolveItem(doc, item, [...arm.itemsPath, i])) return;
        const path = [...arm.itemsPath, i];
        if ((PHASE_TYPES as readonly string[]).includes(name)) {
          const arg = name === 'dapt' ? 'corpus' : name === 'not_dapt' ? 'domain' : name === 'transfer_tapt' ? 'task' : name === 'curated_tapt' ? 'pool' : 'settings';
          out.push({ code: 'phase-needs-argument', path, message: `the phase type "${name}" needs arguments here: write {${name}: <${arg}>}`, expected: `{${name}: ...} or a name from phases:`, found: name });
          return;
        }
        out.push(unknownName('phase', name, path, [...named, 'tapt'], 'phases'));
      });
    }
    return out;
  },
};
