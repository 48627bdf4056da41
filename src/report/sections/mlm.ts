/** Held-out MLM loss of the base model and of every arm's final model on each corpus (paper Tables 1 and 12). */
import type { ExperimentData } from '../collect.ts';
import { type Block, heading, paragraph, slug } from '../document.ts';
import { pointTitle } from './results.ts';
import type { MlmResult } from '../types.ts';

function modelLabel(m: MlmResult): string {
  return m.task === null ? m.model : `${m.model} (${m.task})`;
}

/** The masking the evaluate stages scored with, read from their params (one yardstick for all, or say so). */
function maskingUsed(data: ExperimentData, cells: MlmResult[]): string {
  const keys = new Set(cells.map((c) => c.evaluate.stage));
  const seen = new Set<string>();
  for (const s of data.stages) {
    if (!keys.has(s.key) || s.kind !== 'evaluate' || s.params.target !== 'mlm') continue;
    const m = s.params.masking;
    if (!m) {
      seen.add('unspecified');
      continue;
    }
    const p = m.schedule.kind === 'constant' ? `${Math.round(m.schedule.p * 100)}%` : m.schedule.kind;
    seen.add(`${p} masked, ${m.replace.mask}/${m.replace.random}/${m.replace.keep} mask/random/keep, seed ${s.params.seed}`);
  }
  return seen.size === 1 ? `${[...seen][0]} for every model` : `differs between models (${[...seen].join('; ')})`;
}

export function mlmSection(data: ExperimentData): Block[] {
  if (data.mlm.length === 0) return [];
  const blocks: Block[] = [heading(2, 'Masked-LM loss on held-out text')];
  for (const point of data.experiment.points) {
    const here = data.mlm.filter((m) => m.point === point);
    if (here.length === 0) continue;
    const corpora = [...new Set(here.map((m) => m.corpus))];
    const models = [...new Set(here.map(modelLabel))];
    const rows = models.map((model) => [
      model,
      ...corpora.map((corpus) => {
        const m = here.find((x) => modelLabel(x) === model && x.corpus === corpus);
        if (!m) return 'n/a';
        if (m.status !== 'done' || m.loss === null) return 'missing';
        return `${m.loss.toFixed(3)}${m.perplexity === null ? '' : ` (ppl ${m.perplexity.toFixed(1)})`}`;
      }),
    ]);
    blocks.push({
      kind: 'table',
      id: `mlm-${slug(point)}`,
      caption: `Held-out MLM loss (perplexity)${pointTitle(data, point)}`,
      header: ['Model', ...corpora],
      rows,
      notes: [
        `Mean masked-LM cross-entropy on each corpus's held-out documents; lower is better. Scoring masking: ${maskingUsed(data, here)}. ` +
          'base = the model every arm starts from; an arm = its final pretrained model.',
      ],
    });
  }
  if (blocks.length === 1) blocks.push(paragraph('No MLM evaluation was planned for this experiment.'));
  return blocks;
}
