/**
 * The paper's claims as comparisons between arms, found by what the arms do (their phases), not
 * by what they are called: an arm with no phases is the base, one DAPT phase on a corpus of the
 * task's domain is DAPT, one TAPT phase is TAPT, DAPT then TAPT is DAPT+TAPT, and a DAPT phase
 * marked as the irrelevant control of the task's domain is ¬DAPT. A claim whose arms the file
 * does not have is not planned.
 */
import type { ArmSpec, ExperimentSpec, PhaseSource } from '../config/types.ts';
import type { ClaimSpec } from './types.ts';

type Shape = 'base' | 'dapt' | 'tapt' | 'dapt_tapt' | 'not_dapt';

function isDaptOn(s: PhaseSource, domain: string | null, spec: ExperimentSpec): boolean {
  return s.type === 'dapt' && s.irrelevantTo === null && domain !== null && spec.corpora[s.corpus]?.domain === domain;
}

function shapeOf(arm: ArmSpec, domain: string | null, spec: ExperimentSpec): Shape | null {
  const s = arm.phases.map((p) => p.source);
  if (s.length === 0) return 'base';
  if (s.length === 1 && isDaptOn(s[0]!, domain, spec)) return 'dapt';
  if (s.length === 1 && s[0]!.type === 'tapt') return 'tapt';
  if (s.length === 2 && isDaptOn(s[0]!, domain, spec) && s[1]!.type === 'tapt') return 'dapt_tapt';
  if (s.length === 1 && s[0]!.type === 'dapt' && s[0]!.irrelevantTo !== null && s[0]!.irrelevantTo === domain) return 'not_dapt';
  return null;
}

/** Claim, the arm expected to score higher, the other, and whether a tie also agrees (≥). */
const CLAIMS: Array<{ claim: ClaimSpec['claim']; better: Shape; worse: Shape; relation: ClaimSpec['relation'] }> = [
  { claim: 'DAPT > base', better: 'dapt', worse: 'base', relation: '>' },
  { claim: 'TAPT > base', better: 'tapt', worse: 'base', relation: '>' },
  { claim: 'DAPT+TAPT ≥ DAPT', better: 'dapt_tapt', worse: 'dapt', relation: '>=' },
  { claim: '¬DAPT < DAPT', better: 'dapt', worse: 'not_dapt', relation: '>' },
];

/** The claims one task of one sweep point can test. `baselineArm` wins over other phase-less arms. */
export function paperClaims(spec: ExperimentSpec, point: string, task: string, baselineArm: string): ClaimSpec[] {
  const domain = spec.tasks[task]?.domain ?? null;
  const byShape = new Map<Shape, string>();
  for (const arm of spec.arms) {
    if (!arm.tasks.includes(task)) continue;
    const shape = shapeOf(arm, domain, spec);
    if (shape === null) continue;
    if (!byShape.has(shape) || (shape === 'base' && arm.name === baselineArm)) byShape.set(shape, arm.name);
  }
  return CLAIMS.flatMap((c) => {
    const better = byShape.get(c.better);
    const worse = byShape.get(c.worse);
    return better === undefined || worse === undefined ? [] : [{ point, task, claim: c.claim, better, worse, relation: c.relation }];
  });
}
