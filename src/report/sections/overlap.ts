/**
 * Domain similarity (the paper's Figure 2): vocabulary overlap between the corpora the experiment
 * pretrains on or evaluates MLM loss on, computed by src/overlap from the corpus files when they
 * are available on this machine (unigram counts are cached in the store, shared with `dapt overlap`).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir } from '../../store/layout.ts';
import { type OverlapMatrix, type OverlapSource, computeOverlap, renderOverlapHeatmap } from '../../overlap/index.ts';
import type { ContentId, Stage } from '../../plan/types.ts';
import { prefixSvgIds } from '../charts/render.ts';
import type { ExperimentData } from '../collect.ts';
import { type Block, type TableBlock, heading, paragraph } from '../document.ts';

/** The corpus a stage names in its labels and reads as its single corpus input, if any. */
function namedCorpus(stage: Stage): { name: string; content: ContentId } | null {
  const name = stage.labels.find((l) => l.corpus !== undefined)?.corpus;
  if (name === undefined) return null;
  if (stage.kind === 'evaluate' && stage.params.target === 'mlm') return { name, content: stage.params.corpus };
  if (stage.kind === 'pretrain') {
    const corpora = stage.params.data.filter((d) => d.kind === 'corpus');
    if (corpora.length === 1 && stage.params.data.length === 1) return { name, content: corpora[0]!.content };
  }
  return null;
}

/** Named corpora of the experiment whose files exist here, each content once (first name wins). */
export function overlapSources(data: ExperimentData): { sources: OverlapSource[]; unavailable: string[] } {
  const byContent = new Map<ContentId, OverlapSource | null>();
  const unavailable: string[] = [];
  for (const stage of data.stages) {
    const corpus = namedCorpus(stage);
    if (!corpus || byContent.has(corpus.content)) continue;
    const location = stage.inputs[corpus.content];
    if (location?.kind !== 'corpus' || !location.files.every((f) => existsSync(f))) {
      byContent.set(corpus.content, null);
      unavailable.push(corpus.name);
      continue;
    }
    byContent.set(corpus.content, { name: corpus.name, files: location.files });
  }
  return { sources: [...byContent.values()].filter((s): s is OverlapSource => s !== null), unavailable };
}

function matrixTable(m: OverlapMatrix, id: string, caption: string, values: number[][], note: string): TableBlock {
  return {
    kind: 'table',
    id,
    caption,
    header: ['', ...m.names],
    rows: m.names.map((name, i) => [name, ...(values[i] ?? []).map((v) => v.toFixed(1))]),
    notes: [note],
  };
}

export async function overlapSection(data: ExperimentData): Promise<Block[]> {
  const { sources, unavailable } = overlapSources(data);
  const blocks: Block[] = [heading(2, 'Domain similarity')];
  const missing = unavailable.length ? ` Not available on this machine: ${unavailable.join(', ')}.` : '';
  if (sources.length < 2) {
    if (sources.length + unavailable.length < 2) return [];
    blocks.push(paragraph(`Vocabulary overlap needs at least two corpora whose files are present.${missing}`));
    return blocks;
  }
  const matrix = await computeOverlap(sources, { cacheDir: join(cacheDir(data.storeDir), 'overlap') });
  const svg = prefixSvgIds(await renderOverlapHeatmap(matrix), 'overlap-heatmap');
  blocks.push(
    { kind: 'figure', id: 'overlap-heatmap', svg, caption: `Vocabulary overlap (%) of the top ${matrix.top} words between the corpora of this experiment (the paper's Figure 2); formulas under the tables.` },
    matrixTable(matrix, 'overlap-matrix', `Vocabulary overlap (%), top ${matrix.top} words`, matrix.overlap, matrix.method.overlap),
    matrixTable(matrix, 'overlap-jaccard', 'Jaccard similarity (%) of the same vocabularies', matrix.jaccard, matrix.method.jaccard),
    paragraph(`Tokens: ${matrix.method.tokens}; ${matrix.method.stopwords}; ${matrix.method.ties}.${missing}`),
  );
  return blocks;
}
