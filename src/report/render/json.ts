/**
 * The report as data (`report.json`, `dapt report --format json`): everything the tables show,
 * unrounded, with scores as fractions in [0, 1] as the stages wrote them.
 */
import type { ExperimentData } from '../collect.ts';

export const REPORT_JSON_VERSION = 1;

export function renderJson(data: ExperimentData, generatedAt = new Date()): string {
  const doc = {
    formatVersion: REPORT_JSON_VERSION,
    generatedAt: generatedAt.toISOString(),
    experiment: data.experiment,
    source: data.source,
    baselineArm: data.params.baselineArm,
    targets: data.params.targets,
    cells: data.cells,
    summaries: data.summaries,
    comparisons: data.comparisons,
    references: data.references,
    probes: data.probes,
    convergence: data.convergence,
    verdicts: data.verdicts,
    mlm: data.mlm,
    problems: data.problems,
  };
  return JSON.stringify(doc, null, 2) + '\n';
}
