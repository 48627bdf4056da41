/** Graphviz DOT: one node per stage (coloured by kind, outlined by state), one edge per parent. */
import type { Plan, StageKind } from '../types.ts';
import { shortKey, type StageStates } from './stats.ts';

const fill: Record<StageKind, string> = {
  select: '#fde68a',
  pretrain: '#bfdbfe',
  finetune: '#bbf7d0',
  evaluate: '#e9d5ff',
  aggregate: '#fecaca',
};

/** A DOT double-quoted string: only `"` and `\` need escaping; newlines become `\n` (centred line break). */
export function dotString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n')}"`;
}

export function renderDot(plan: Plan, states?: StageStates | null): string {
  const out = ['digraph plan {', '  rankdir=LR;', '  node [shape=box, style="rounded,filled", fontname="Helvetica"];'];
  for (const s of plan.stages) {
    const state = states?.get(s.key);
    const attrs = [`label=${dotString(`${s.title}\n${shortKey(s.key)}${state ? ` · ${state}` : ''}`)}`, `fillcolor=${dotString(fill[s.kind])}`];
    if (state === 'done') attrs.push('penwidth=3', 'color="#15803d"');
    else if (state === 'partial') attrs.push('style="rounded,filled,dashed"', 'penwidth=2');
    out.push(`  ${dotString(s.key)} [${attrs.join(', ')}];`);
  }
  for (const s of plan.stages) for (const p of s.parents) out.push(`  ${dotString(p)} -> ${dotString(s.key)};`);
  out.push('}');
  return out.join('\n') + '\n';
}
