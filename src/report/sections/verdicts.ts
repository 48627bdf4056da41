/** One verdict per claim of the paper and task, with what the design could have detected. */
import type { ExperimentData } from '../collect.ts';
import { type Block, type TableBlock, heading, list, paragraph, slug } from '../document.ts';
import { delta, pValue, score, seedList } from '../format.ts';
import type { Verdict } from '../types.ts';
import { VERDICT_ALPHA, VERDICT_POWER } from '../verdicts.ts';
import { pointTitle } from './results.ts';

/** `supported`, `contradicted`, `inconclusive at MDE 4.1`. */
export function verdictText(v: Verdict): string {
  if (v.verdict !== 'inconclusive') return v.verdict;
  return v.mde === null ? 'inconclusive (too few seeds to test)' : `inconclusive at MDE ${score(v.mde)}`;
}

function probeText(x: number | null): string {
  return x === null ? '—' : delta(x);
}

function verdictTable(data: ExperimentData, point: string, verdicts: Verdict[]): TableBlock {
  return {
    kind: 'table',
    id: `verdicts-${slug(point)}`,
    caption: `The paper's claims, judged on test${pointTitle(data, point)}`,
    header: ['Claim', 'Task', 'Compared', 'Δ test ×100', 'Seeds', 'p (t)', 'MDE ×100', 'Probe Δ mean', 'Probe Δ [CLS]', 'Verdict'],
    align: ['l', 'l', 'l', 'r', 'l', 'r', 'r', 'r', 'r', 'l'],
    rows: verdicts.map((v) => [
      v.claim,
      v.task,
      `${v.better} vs ${v.worse}`,
      v.meanDiff === null ? '—' : delta(v.meanDiff),
      `${v.sharedSeeds.length} (${seedList(v.sharedSeeds)})`,
      v.ttest === null ? '—' : pValue(v.ttest.p),
      v.mde === null ? '—' : score(v.mde),
      probeText(v.probe.mean),
      probeText(v.probe.cls),
      verdictText(v),
    ]),
    notes: [
      `Δ = mean over the shared fine-tuning seeds of (first − second arm) on test. Verdict: supported when the paired t-test (two-sided) gives p < ${VERDICT_ALPHA} ` +
        `in the claimed direction, contradicted when it does in the other, inconclusive otherwise. MDE = the smallest |Δ| this paired design detects with power ${VERDICT_POWER} ` +
        `at α = ${VERDICT_ALPHA} at the observed spread of the differences: an inconclusive claim cannot exclude a true difference smaller than that. ` +
        'For ≥ claims only a significant drop contradicts. Probe Δ = the same difference in the linear probes (no seeds, so no test).',
    ],
  };
}

export function verdictsSection(data: ExperimentData): Block[] {
  if (data.verdicts.length === 0) return [];
  const blocks: Block[] = [heading(2, "Verdicts on the paper's claims")];
  for (const point of data.experiment.points) {
    const verdicts = data.verdicts.filter((v) => v.point === point);
    if (verdicts.length > 0) blocks.push(verdictTable(data, point, verdicts));
  }
  const notes = [...new Set(data.verdicts.flatMap((v) => (v.wilcoxonNote === null ? [] : [v.wilcoxonNote])))];
  if (notes.length > 0) blocks.push(paragraph('The exact Wilcoxon signed-rank test:'), list(notes));
  return blocks;
}
