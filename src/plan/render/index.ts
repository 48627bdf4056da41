/** Views of a plan, looked up by format name. Pure: they return text. */
import type { Plan } from '../types.ts';
import { renderDot } from './dot.ts';
import { renderMermaid } from './mermaid.ts';
import type { StageStates } from './stats.ts';
import { renderTree } from './tree.ts';

export type PlanFormat = 'tree' | 'json' | 'dot' | 'mermaid';

export const planRenderers: Record<PlanFormat, (plan: Plan, states?: StageStates | null) => string> = {
  tree: renderTree,
  json: (plan) => JSON.stringify(plan, null, 2) + '\n',
  dot: renderDot,
  mermaid: renderMermaid,
};

export { renderDot, renderMermaid, renderTree };
export { planStats, summaryLine, shortKey, usesOf, type PlanStats, type StageState, type StageStates } from './stats.ts';
