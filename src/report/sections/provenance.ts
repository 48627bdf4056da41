/** Where every number comes from: the stage that produced it and that stage's MLflow run. */
import type { ExperimentData } from '../collect.ts';
import { type Block, heading, paragraph } from '../document.ts';
import { score } from '../format.ts';
import type { Provenance } from '../types.ts';

function run(p: Provenance): string {
  if (p.mlflowQueued) return 'queued (run `dapt sync`)';
  return p.mlflowRunId === null ? 'not tracked' : `\`${p.mlflowRunId}\``;
}

export function provenanceSection(data: ExperimentData): Block[] {
  const uris = new Set([...data.cells.flatMap((c) => [c.evaluate, c.finetune]), ...data.mlm.map((m) => m.evaluate)].flatMap((p) => (p.mlflowUri ? [p.mlflowUri] : [])));
  const source = data.source === 'results.json'
    ? `the aggregate stage \`${data.aggregate.key}\` (\`stages/${data.aggregate.key}/work/results.json\`)`
    : `the evaluate and finetune stages directly (the aggregate stage \`${data.aggregate.key}\` has not run)`;
  const blocks: Block[] = [
    heading(2, 'Provenance'),
    paragraph(
      `Every score above comes from ${source}. Each row below names the evaluate stage that scored it and its MLflow run; stage directories are \`<store>/stages/<key>/\`` +
        (uris.size ? `; MLflow tracking URI ${[...uris].map((u) => `\`${u}\``).join(', ')}.` : '; no MLflow run was recorded for these stages.'),
    ),
    {
      kind: 'table',
      id: 'provenance-cells',
      caption: 'Fine-tuning results by seed',
      header: ['Point', 'Arm', 'Task', 'Seed', 'Dev', 'Test', 'Status', 'Evaluate stage', 'Evaluate run', 'Finetune stage', 'Finetune run'],
      align: ['l', 'l', 'l', 'r', 'r', 'r', 'l', 'l', 'l', 'l', 'l'],
      rows: data.cells.map((c) => [
        c.point,
        c.arm,
        c.task,
        c.seedUsed === null ? String(c.seed) : `${c.seed} (trained with ${c.seedUsed})`,
        c.dev === null ? '—' : score(c.dev),
        c.test === null ? '—' : score(c.test),
        c.status,
        `\`${c.evaluate.stage}\``,
        run(c.evaluate),
        `\`${c.finetune.stage}\``,
        run(c.finetune),
      ]),
    },
  ];
  if (data.mlm.length > 0) {
    blocks.push({
      kind: 'table',
      id: 'provenance-mlm',
      caption: 'MLM evaluations',
      header: ['Point', 'Model', 'Corpus', 'Loss', 'Status', 'Evaluate stage', 'Evaluate run'],
      align: ['l', 'l', 'l', 'r', 'l', 'l', 'l'],
      rows: data.mlm.map((m) => [
        m.point,
        m.task === null ? m.model : `${m.model} (${m.task})`,
        m.corpus,
        m.loss === null ? '—' : m.loss.toFixed(4),
        m.status,
        `\`${m.evaluate.stage}\``,
        run(m.evaluate),
      ]),
    });
  }
  return blocks;
}
