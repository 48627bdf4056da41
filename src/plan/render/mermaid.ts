/** Mermaid flowchart: one node per stage, one edge per parent, a class per kind. */
import type { Plan, StageKind } from '../types.ts';
import { STAGE_KINDS } from '../types.ts';
import { shortKey, type StageStates } from './stats.ts';

const fill: Record<StageKind, string> = {
  select: '#fde68a',
  pretrain: '#bfdbfe',
  finetune: '#bbf7d0',
  evaluate: '#e9d5ff',
  aggregate: '#fecaca',
};

/**
 * A quoted Mermaid label. Inside `"…"` Mermaid decodes `#name;` / `#code;` entities and may
 * treat the text as HTML, so `#`, `"`, `<`, `>` and `&` are written as entities; newlines as `<br/>`.
 */
export function mermaidLabel(text: string): string {
  const escaped = text
    .replace(/#/g, '#35;')
    .replace(/"/g, '#quot;')
    .replace(/&/g, '#amp;')
    .replace(/</g, '#lt;')
    .replace(/>/g, '#gt;')
    .replace(/\r?\n/g, '<br/>');
  return `"${escaped}"`;
}

const nodeId = (key: string): string => `s${key}`;

export function renderMermaid(plan: Plan, states?: StageStates | null): string {
  const out = ['flowchart LR'];
  for (const s of plan.stages) {
    const state = states?.get(s.key);
    out.push(`  ${nodeId(s.key)}[${mermaidLabel(`${s.title}\n${shortKey(s.key)}${state ? ` · ${state}` : ''}`)}]:::${s.kind}`);
  }
  for (const s of plan.stages) for (const p of s.parents) out.push(`  ${nodeId(p)} --> ${nodeId(s.key)}`);
  for (const k of STAGE_KINDS) out.push(`  classDef ${k} fill:${fill[k]},stroke:#334155`);
  return out.join('\n') + '\n';
}
