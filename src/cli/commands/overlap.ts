/**
 * `dapt overlap`: domain similarity as vocabulary overlap (the paper's Figure 2) between corpora
 * of the data root (default: all of corpora/), experiments' corpora and, with --tasks, tasks'
 * train text; writes overlap.{txt,json,svg} and the Vega-Lite spec. `--splits` adds the report
 * of each task's train/dev/test overlap (HYPERPARTISAN's released test articles in train).
 */
import { mkdir, readdir } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { loadExperimentOrThrow, resolveDataRoot, type Experiment } from '../../config/index.ts';
import { listCorpora, resolveCorpusFiles } from '../../data/corpus.ts';
import { splitOverlap } from '../../data/split-overlap.ts';
import { readTask } from '../../data/task.ts';
import { UsageError } from '../../errors.ts';
import { cacheDir, DEFAULT_STORE_DIR } from '../../store/layout.ts';
import { computeOverlap, formatOverlap, formatSplitOverlap, overlapHeatmapSpec, renderOverlapHeatmap, type OverlapSource } from '../../overlap/index.ts';
import type { Command } from '../types.ts';

const list = (v: unknown): string[] => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter((s) => s !== '') : []);

async function listTasks(root: string): Promise<string[]> {
  const entries = await readdir(join(root, 'tasks'), { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
}

/** Corpora an experiment reads: arms' corpora, the base model's corpus, MLM evaluation corpora. */
function experimentCorpora(exp: Experiment): Array<{ name: string; path: string }> {
  const out: Array<{ name: string; path: string }> = [];
  for (const point of exp.points) {
    const spec = point.spec;
    out.push(...Object.values(spec.corpora), ...spec.mlmEvaluation);
    if (spec.base.kind === 'scratch') out.push(spec.base.corpus, ...spec.base.evaluateOn);
  }
  return out.map((c) => ({ name: c.name, path: c.path }));
}

export const overlap: Command = {
  name: 'overlap',
  usage:
    'overlap [EXPERIMENT.yaml…] [--data-root DIR] [--corpora a,b,…] [--tasks a,b,…] [--top N] [--splits] [--out DIR] [--store DIR] [--format table|json]\n\n' +
    'Vocabulary overlap (%) between the top-N (default 10000) non-stopword words of every pair of\n' +
    'corpora — default every corpus in <data root>/corpora/, plus the corpora of the experiment files\n' +
    'given; names in --corpora are corpora/<name> or a data-root-relative path without extension.\n' +
    '--tasks adds tasks’ train text as sources (task:<name>). Writes overlap.txt, overlap.json,\n' +
    'overlap.svg and overlap.vl.json to --out (default <store>/overlap); word counts are cached in\n' +
    '<store>/cache/overlap. --splits also reports every task’s train/dev/test overlap (splits.txt/json).',
  summary: 'domain similarity: vocabulary overlap between corpora (paper Fig. 2), heatmap; task split overlap',
  options: {
    'data-root': { type: 'string' },
    corpora: { type: 'string' },
    tasks: { type: 'string' },
    top: { type: 'string', default: '10000' },
    splits: { type: 'boolean', default: false },
    out: { type: 'string' },
    store: { type: 'string', default: DEFAULT_STORE_DIR },
    format: { type: 'string', default: 'table' },
  },
  async run({ values, positionals }, io) {
    const format = values['format'] as string;
    if (format !== 'table' && format !== 'json') throw new UsageError(`--format must be table or json, got "${format}"`);
    const top = Number(values['top']);
    if (!Number.isInteger(top) || top < 1) throw new UsageError(`--top must be a positive integer, got "${String(values['top'])}"`);
    const experiments = await Promise.all(positionals.map((f) => loadExperimentOrThrow(f, { cwd: io.cwd })));
    const flag = values['data-root'] as string | undefined;
    const root = resolveDataRoot({ ...(flag === undefined ? {} : { flag }), env: io.env, ...(experiments[0] ? { experiment: experiments[0] } : {}), cwd: io.cwd });
    const storeDir = resolve(io.cwd, values['store'] as string);
    const outDir = values['out'] === undefined ? join(storeDir, 'overlap') : resolve(io.cwd, values['out'] as string);

    const wanted = new Map<string, string>(); // data-root-relative path -> display name
    const named = list(values['corpora']);
    const fromExperiments = experiments.flatMap(experimentCorpora);
    if (named.length === 0 && fromExperiments.length === 0) for (const name of await listCorpora(join(root, 'corpora'))) wanted.set(`corpora/${name}`, name);
    for (const name of named) wanted.set(name.includes('/') ? name : `corpora/${name}`, basename(name));
    for (const c of fromExperiments) if (!wanted.has(c.path)) wanted.set(c.path, c.name);
    const sources: OverlapSource[] = [];
    for (const [path, name] of wanted) sources.push({ name, files: await resolveCorpusFiles(join(root, path)) });
    const taskNames = list(values['tasks']);
    for (const t of taskNames) sources.push({ name: `task:${t}`, files: [], texts: (await readTask(join(root, 'tasks', t))).train.map((e) => e.text) });
    if (sources.length < 2) throw new UsageError(`need at least two corpora to compare; found ${sources.length} under ${root}`);

    const matrix = await computeOverlap(sources, { top, cacheDir: join(cacheDir(storeDir), 'overlap'), onProgress: (m) => io.stderr.write(`${m}\n`) });
    const text = formatOverlap(matrix);
    await mkdir(outDir, { recursive: true });
    await writeFileAtomic(join(outDir, 'overlap.txt'), text + '\n');
    await writeFileAtomic(join(outDir, 'overlap.json'), JSON.stringify({ dataRoot: root, sources: sources.map((s) => ({ name: s.name, files: s.files })), ...matrix }, null, 2) + '\n');
    await writeFileAtomic(join(outDir, 'overlap.vl.json'), JSON.stringify(overlapHeatmapSpec(matrix), null, 2) + '\n');
    await writeFileAtomic(join(outDir, 'overlap.svg'), await renderOverlapHeatmap(matrix));
    const written = ['overlap.txt', 'overlap.json', 'overlap.svg', 'overlap.vl.json'];

    let splitsText = '';
    let splits: unknown = null;
    if (values['splits'] === true) {
      const tasks = taskNames.length > 0 ? taskNames : await listTasks(root);
      const rows = [];
      for (const t of tasks) rows.push(await splitOverlap(t, await readTask(join(root, 'tasks', t))));
      splits = rows;
      splitsText = formatSplitOverlap(rows);
      await writeFileAtomic(join(outDir, 'splits.txt'), splitsText + '\n');
      await writeFileAtomic(join(outDir, 'splits.json'), JSON.stringify(rows, null, 2) + '\n');
      written.push('splits.txt', 'splits.json');
    }
    if (format === 'json') io.stdout.write(JSON.stringify({ overlap: matrix, ...(splits ? { splits } : {}) }, null, 2) + '\n');
    else io.stdout.write(`${text}\n${splitsText ? `\n${splitsText}\n` : ''}`);
    io.stderr.write(`wrote ${written.map((f) => join(outDir, f)).join(', ')}\n`);
    return 0;
  },
};
