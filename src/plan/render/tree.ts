/**
 * The readable view: experiment → point → arm · task, each stage on one line with its key
 * prefix, title, parents, how many stages build on it and (with a store) its state. A stage
 * used by several arms, tasks or points is marked `*` and listed under each; in full only the first time.
 */
import { BASE_PHASE } from '../planner.ts';
import type { Plan, Stage, StageLabel } from '../types.ts';
import { planStats, shortKey, summaryLine, usesOf, type StageStates } from './stats.ts';

interface Group {
  title: string;
  order: [number, number];
  stages: Stage[];
  seen: Set<string>;
}

export function renderTree(plan: Plan, states?: StageStates | null): string {
  const stats = planStats(plan, states);
  const out: string[] = ['legend: <key> <title>  ⇐ parents  → stages built on it  (* = shared by several arms, tasks or points)', ''];
  const line = (s: Stage): string => {
    const parts = [`${shortKey(s.key)} ${usesOf(s) > 1 ? '*' : ' '} ${s.title}`];
    if (s.parents.length > 0) parts.push(`⇐ ${s.parents.length > 3 ? `${s.parents.length} stages` : s.parents.map(shortKey).join(' ')}`);
    const children = stats.children.get(s.key) ?? 0;
    if (children > 0) parts.push(`→ ${children}`);
    if (states) parts.push(`[${states.get(s.key) ?? 'absent'}]`);
    return parts.join('  ');
  };

  const listed = new Set<string>();
  const entry = (s: Stage): string => {
    if (listed.has(s.key)) return `${shortKey(s.key)} * ${s.title}  (above)`;
    listed.add(s.key);
    return line(s);
  };

  for (const e of plan.experiments) {
    out.push(`experiment ${e.name}  (${e.file})`);
    const points = new Map<string, Map<string, Group>>(e.points.map((p) => [p, new Map()]));
    const aggregates: Stage[] = [];
    const groupOf = (l: StageLabel): Group | null => {
      const groups = l.point === undefined ? null : points.get(l.point);
      if (!groups) return null;
      const id = `${l.arm ?? ''}\u0000${l.task ?? ''}`;
      let g = groups.get(id);
      if (g === undefined) {
        const armIndex = l.arm === undefined ? -1 : e.arms.indexOf(l.arm);
        // An arm's task-independent stages (MLM scores of its final model) after its task groups.
        const taskIndex = l.task === undefined ? e.tasks.length : e.tasks.indexOf(l.task);
        const title = l.arm === undefined ? 'base' : l.task === undefined ? `arm ${l.arm}` : `arm ${l.arm} · task ${l.task}`;
        g = { title, order: [armIndex, taskIndex], stages: [], seen: new Set() };
        groups.set(id, g);
      }
      return g;
    };
    for (const s of plan.stages) {
      for (const l of s.labels) {
        if (l.experiment !== e.name) continue;
        if (s.kind === 'aggregate' && s.key === e.aggregate) {
          if (!aggregates.includes(s)) aggregates.push(s);
          continue;
        }
        // The base model is listed once, under `base`, though each arm and task records a use.
        if (l.phase === BASE_PHASE && l.arm !== undefined) continue;
        const g = groupOf(l);
        if (g && !g.seen.has(s.key)) {
          g.seen.add(s.key);
          g.stages.push(s);
        }
      }
    }
    for (const [point, groups] of points) {
      out.push(`  point ${point}`);
      const ordered = [...groups.values()].sort((a, b) => a.order[0] - b.order[0] || a.order[1] - b.order[1]);
      for (const g of ordered) {
        out.push(`    ${g.title}`);
        for (const s of g.stages) out.push(`      ${entry(s)}`);
      }
    }
    for (const s of aggregates) out.push(`  ${entry(s)}`);
    out.push('');
  }
  out.push(summaryLine(stats));
  return out.join('\n') + '\n';
}
