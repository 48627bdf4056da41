/** Training curves from each stage's work/curves.jsonl: pretraining loss, and dev score per evaluation during fine-tuning. */
import type { Stage } from '../../plan/types.ts';
import { renderChart } from '../charts/render.ts';
import { type CurveRow, curveSpec } from '../charts/specs.ts';
import { type ExperimentData, armKey } from '../collect.ts';
import { type Block, heading, paragraph, slug } from '../document.ts';
import { readCurves } from '../stage-store.ts';
import type { CurveRow as StoredRow } from '../types.ts';

/** Keeps charts small: at most this many points per line, evenly spaced, always keeping the last. */
const MAX_POINTS = 300;

export function thin<T>(rows: readonly T[], max = MAX_POINTS): T[] {
  if (rows.length <= max) return [...rows];
  const out: T[] = [];
  const stride = (rows.length - 1) / (max - 1);
  for (let i = 0; i < max; i++) out.push(rows[Math.round(i * stride)] as T);
  return out;
}

function pretrainRows(data: ExperimentData, stages: Stage[]): CurveRow[] {
  const rows: CurveRow[] = [];
  for (const s of stages) {
    const curve = readCurves(data.storeDir, s.key);
    const push = (field: string, line: string) => {
      for (const r of thin(curve.filter((r) => r[field] !== undefined))) rows.push({ series: s.title, line, x: r['step'] as number, y: r[field] as number });
    };
    push('loss', 'training loss');
    push('heldout_loss', 'held-out loss');
  }
  return rows;
}

function finetuneRows(data: ExperimentData, point: string, task: string): { rows: CurveRow[]; byEpoch: boolean } {
  const rows: CurveRow[] = [];
  let byEpoch = true;
  const picked: Array<{ arm: string; seed: number; curve: StoredRow[]; field: string }> = [];
  for (const c of data.cells) {
    if (c.point !== point || c.task !== task) continue;
    const field = `dev_${c.metric}`;
    const curve = readCurves(data.storeDir, c.finetune.stage).filter((r) => r[field] !== undefined);
    if (curve.some((r) => r['epoch'] === undefined)) byEpoch = false;
    picked.push({ arm: c.arm, seed: c.seed, curve, field });
  }
  for (const { arm, seed, curve, field } of picked) {
    for (const r of thin(curve)) {
      rows.push({ series: arm, detail: `seed ${seed}`, x: (byEpoch ? r['epoch'] : r['step']) as number, y: (r[field] as number) * 100 });
    }
  }
  return { rows, byEpoch };
}

export async function curvesSection(data: ExperimentData): Promise<Block[]> {
  const blocks: Block[] = [heading(2, 'Training curves')];
  const multi = data.experiment.points.length > 1;
  for (const point of data.experiment.points) {
    const suffix = multi ? ` (point ${point})` : '';
    const keys = new Set(data.experiment.arms.flatMap((a) => [...(data.armStages.get(armKey(point, a)) ?? [])]));
    const pretrains = data.stages.filter((s) => s.kind === 'pretrain' && keys.has(s.key));
    const pre = pretrainRows(data, pretrains);
    if (pre.length > 0) {
      const id = `curves-pretrain-${slug(point)}`;
      const svg = await renderChart(
        curveSpec({ title: `Pretraining loss${suffix}`, xTitle: 'step', yTitle: 'MLM loss', seriesTitle: 'stage', lineTitle: 'curve', rows: pre }),
        id,
      );
      blocks.push({ kind: 'figure', id, svg, caption: `Masked-LM training loss and held-out loss per step of every pretraining stage${suffix}, from each stage's work/curves.jsonl.` });
    }
    for (const task of data.experiment.tasks) {
      const { rows, byEpoch } = finetuneRows(data, point, task);
      if (rows.length === 0) continue;
      const metric = data.cells.find((c) => c.task === task)?.metric ?? 'metric';
      const id = `curves-finetune-${slug(point)}-${slug(task)}`;
      const svg = await renderChart(
        curveSpec({
          title: `${task}: dev ${metric} during fine-tuning${suffix}`,
          xTitle: byEpoch ? 'epoch' : 'step',
          integerX: byEpoch,
          yTitle: `dev ${metric} ×100`,
          seriesTitle: 'arm',
          seriesOrder: data.experiment.arms,
          rows,
        }),
        id,
      );
      blocks.push({ kind: 'figure', id, svg, caption: `Dev ${metric} of every fine-tuning run on ${task} (one line per seed)${suffix}.` });
    }
  }
  if (blocks.length === 1) blocks.push(paragraph('No stage has written training curves yet.'));
  return blocks;
}
