/** Text renderings of the overlap matrix and the task split-overlap report. */
import type { SplitOverlap } from '../data/split-overlap.ts';
import type { OverlapMatrix } from './types.ts';

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function matrixTable(m: OverlapMatrix, values: number[][]): string {
  return table(['', ...m.names], m.names.map((name, i) => [name, ...values[i]!.map((v) => v.toFixed(1))]));
}

export function formatOverlap(m: OverlapMatrix): string {
  const stats = table(
    ['corpus', 'tokens', 'word types', '|V|'],
    m.stats.map((s) => [s.name, s.tokens.toLocaleString('en-US'), s.types.toLocaleString('en-US'), s.vocabulary.toLocaleString('en-US')]),
  );
  const small = m.stats.filter((s) => s.vocabulary < m.top).map((s) => s.name);
  return [
    `Vocabulary overlap (%) of the top ${m.top} words`,
    `  ${m.method.overlap}`,
    matrixTable(m, m.overlap),
    '',
    'Jaccard (%)',
    `  ${m.method.jaccard}`,
    matrixTable(m, m.jaccard),
    '',
    stats,
    '',
    `Tokens: ${m.method.tokens}; ${m.method.stopwords}; ${m.method.ties}.`,
    ...(small.length > 0 ? [`Fewer than ${m.top} distinct words (|V| is smaller): ${small.join(', ')}.`] : []),
  ].join('\n');
}

export function formatSplitOverlap(rows: readonly SplitOverlap[]): string {
  const n = rows[0]?.n ?? 12;
  return [
    'Overlap between each task’s own splits (normalised text: case-folded, whitespace-collapsed)',
    table(
      ['task', 'train/dev/test', 'test in train', 'dev in train', 'test in dev', 'dedupe_train drops', 'train kept', `train near dev/test (${n}-gram)`],
      rows.map((r) => [
        r.task,
        `${r.sizes.train}/${r.sizes.dev}/${r.sizes.test}`,
        String(r.exact.testInTrain),
        String(r.exact.devInTrain),
        String(r.exact.testInDev),
        String(r.dedupeTrain.dropped),
        String(r.dedupeTrain.kept),
        String(r.nearTrain),
      ]),
    ),
    '`dedupe_train: true` on a task drops the train examples counted under "dedupe_train drops" (their text is in dev or test).',
  ].join('\n');
}
