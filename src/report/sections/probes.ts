/**
 * Linear probes of every arm's final pretrained model (frozen [CLS] and mean-pooled features +
 * logistic regression picked on dev) beside the bag-of-words reference, and how the fine-tuning
 * runs ended (early stopping vs running out of epochs).
 */
import type { ExperimentData } from '../collect.ts';
import { type Block, type TableBlock, heading, slug } from '../document.ts';
import { score, seedList } from '../format.ts';
import { SPLITS } from '../summarise.ts';
import { PROBE_POOLINGS, type LinearScore } from '../types.ts';
import { REFERENCE_ROW, pointTitle } from './results.ts';

const POOLING_NAMES = { mean: 'mean-pooled', cls: '[CLS]' } as const;

function scores(s: LinearScore | undefined): string[] {
  return SPLITS.map((split) => (s === undefined ? 'n/a' : s[split] === null ? '—' : score(s[split]!)));
}

function probeTable(data: ExperimentData, point: string): TableBlock | null {
  const probes = data.probes.filter((p) => p.point === point);
  if (probes.length === 0) return null;
  const tasks = data.experiment.tasks.filter((t) => probes.some((p) => p.task === t));
  const header = ['Model', 'Features', ...tasks.flatMap((t) => SPLITS.map((split) => `${t} ${split}`))];
  const rows: string[][] = [];
  for (const arm of data.experiment.arms) {
    for (const pooling of PROBE_POOLINGS) {
      const cells = tasks.flatMap((t) => scores(probes.find((p) => p.arm === arm && p.task === t)?.pooling[pooling]));
      if (cells.every((c) => c === 'n/a')) continue;
      rows.push([arm, POOLING_NAMES[pooling], ...cells]);
    }
  }
  const refs = data.references.filter((r) => r.point === point);
  if (refs.length > 0) rows.push([REFERENCE_ROW, 'TF-IDF', ...tasks.flatMap((t) => scores(refs.find((r) => r.task === t)?.score))]);
  return {
    kind: 'table',
    id: `probes-${slug(point)}`,
    caption: `Linear probes of each arm's pretrained model${pointTitle(data, point)}`,
    header,
    align: ['l', 'l', ...header.slice(2).map(() => 'r' as const)],
    rows,
    notes: [
      "The arm's final pretrained model (before fine-tuning) stays frozen; each text becomes its final [CLS] state or the mean of its final states, " +
        'standardised with the train split, and a class-balanced logistic regression with C picked on dev is fitted on train and scored with the task\'s metric ×100. ' +
        'Forward passes only, so no seed noise: a direct measurement of what adaptation did to the representation.',
    ],
  };
}

function convergenceTable(data: ExperimentData, point: string): TableBlock | null {
  const groups = data.convergence.filter((c) => c.point === point);
  if (groups.length === 0) return null;
  return {
    kind: 'table',
    id: `convergence-${slug(point)}`,
    caption: `Fine-tuning convergence${pointTitle(data, point)}`,
    header: ['Arm', 'Task', 'Runs', 'Stopped early', 'Ran out (not converged)', 'Best epochs', 'Max epochs', 'Patience'],
    align: ['l', 'l', 'r', 'r', 'l', 'l', 'r', 'r'],
    rows: groups.map((g) => [
      g.arm,
      g.task,
      String(g.runs),
      String(g.stoppedEarly),
      g.ranOut === 0 ? '0' : `${g.ranOut} (seeds ${seedList(g.ranOutSeeds)})`,
      g.bestEpochs.join(', '),
      String(g.maxEpochs),
      String(g.patience),
    ]),
    notes: [
      'A run stopped early when `patience` epochs in a row brought no dev improvement; its best-on-dev weights were kept. ' +
        'A run that ran out used every epoch while dev was still improving within the patience window: it had not converged, and more epochs might change its score.',
    ],
  };
}

export function probesSection(data: ExperimentData): Block[] {
  const blocks: Block[] = [];
  for (const point of data.experiment.points) {
    const probes = probeTable(data, point);
    const convergence = convergenceTable(data, point);
    if (probes) blocks.push(probes);
    if (convergence) blocks.push(convergence);
  }
  if (blocks.length === 0) return [];
  return [heading(2, 'Representations and convergence'), ...blocks];
}
