/**
 * The report layer's public API: `generateReport` turns a plan and its run store into report.md,
 * a self-contained report.html (inline CSS and SVG charts) and, on request, LaTeX tables — for a
 * finished run or a partial one.
 */
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { InternalError } from '../errors.ts';
import type { Plan, PlannedExperiment } from '../plan/types.ts';
import { buildDocument } from './build.ts';
import { type ExperimentData, collectExperiment } from './collect.ts';
import type { FigureBlock, TableBlock } from './document.ts';
import { renderHtml } from './render/html.ts';
import { renderJson } from './render/json.ts';
import { renderLatex } from './render/latex.ts';
import { renderMarkdown } from './render/markdown.ts';
import { renderTextTable } from './render/text.ts';

export type ReportFormat = 'md' | 'html' | 'latex' | 'json';

export interface ReportOptions {
  plan: Plan;
  storeDir: string;
  /** Default `<store>/reports/<experiment>/`; with several experiments, `<outDir>/<experiment>/`. */
  outDir?: string;
  /** `latex` also writes report.tex (booktabs) and returns it; md, html and json are always written. */
  format?: ReportFormat;
}

export interface ExperimentReport {
  experiment: string;
  dir: string;
  markdownPath: string;
  htmlPath: string;
  jsonPath: string;
  latexPath: string | null;
}

export interface ReportResult {
  /** The (first) experiment's report.md and report.html. */
  markdownPath: string;
  htmlPath: string;
  /** Plain-text arms × tasks tables of every experiment, for the terminal. */
  table: string;
  /** LaTeX tables of every experiment when `format` is `latex`. */
  latex?: string;
  /** One entry per experiment in the plan. */
  reports: ExperimentReport[];
}

export const REPORTS_DIR = 'reports';

function outputDir(opts: ReportOptions, experiment: PlannedExperiment): string {
  const single = opts.plan.experiments.length === 1;
  if (opts.outDir !== undefined) return single ? opts.outDir : join(opts.outDir, experiment.name);
  return join(opts.storeDir, REPORTS_DIR, experiment.name);
}

/** Writes figure files, then the reports that link them; every file atomically. Stale figures are removed. */
async function writeReport(dir: string, data: ExperimentData, format: ReportFormat | undefined): Promise<{ report: ExperimentReport; tables: TableBlock[] }> {
  const doc = await buildDocument(data);
  const figures = doc.blocks.filter((b): b is FigureBlock => b.kind === 'figure');
  const figureDir = join(dir, 'figures');
  await mkdir(figureDir, { recursive: true });
  for (const f of figures) await writeFileAtomic(join(figureDir, `${f.id}.svg`), f.svg);
  const current = new Set(figures.map((f) => `${f.id}.svg`));
  for (const name of await readdir(figureDir)) if (name.endsWith('.svg') && !current.has(name)) await rm(join(figureDir, name));

  const markdownPath = join(dir, 'report.md');
  const htmlPath = join(dir, 'report.html');
  await writeFileAtomic(markdownPath, renderMarkdown(doc));
  await writeFileAtomic(htmlPath, renderHtml(doc));
  const jsonPath = join(dir, 'report.json');
  await writeFileAtomic(jsonPath, renderJson(data));
  let latexPath: string | null = null;
  if (format === 'latex') {
    latexPath = join(dir, 'report.tex');
    await writeFileAtomic(latexPath, renderLatex(data));
  }
  const tables = doc.blocks.filter((b): b is TableBlock => b.kind === 'table' && (b.id.startsWith('results-') || b.id.startsWith('verdicts-')));
  return { report: { experiment: data.experiment.name, dir, markdownPath, htmlPath, jsonPath, latexPath }, tables };
}

/**
 * Writes report.md and report.html (and report.tex with `format: 'latex'`) for every experiment in
 * the plan from whatever its stages have produced so far. Reads the store; changes nothing in it
 * except the report directory.
 */
export async function generateReport(opts: ReportOptions): Promise<ReportResult> {
  const reports: ExperimentReport[] = [];
  const text: string[] = [];
  const latex: string[] = [];
  for (const experiment of opts.plan.experiments) {
    const data = collectExperiment(opts.plan, experiment, opts.storeDir);
    const { report, tables } = await writeReport(outputDir(opts, experiment), data, opts.format);
    reports.push(report);
    const done = data.cells.filter((c) => c.status === 'done').length;
    const settled = done + data.cells.filter((c) => c.status === 'dropped').length;
    const state = data.source === 'results.json' ? '' : settled === data.cells.length ? ' (not aggregated yet)' : ' (partial)';
    // An experiment without tasks (e.g. base.yaml) has no results table: say what it did hold.
    const mlmDone = data.mlm.filter((m) => m.status === 'done').length;
    text.push(
      data.cells.length === 0
        ? `${experiment.name}: no tasks to fine-tune; ${mlmDone}/${data.mlm.length} MLM evaluations (see the report)`
        : [`${experiment.name}: ${done}/${data.cells.length} results${state}`, ...tables.map(renderTextTable)].join('\n\n'),
    );
    if (opts.format === 'latex') latex.push(`% ${experiment.name}\n${renderLatex(data)}`);
  }
  const first = reports[0];
  if (!first) throw new InternalError('generateReport was given a plan with no experiments');
  return {
    markdownPath: first.markdownPath,
    htmlPath: first.htmlPath,
    table: text.join('\n\n') + '\n',
    ...(opts.format === 'latex' ? { latex: latex.join('\n') } : {}),
    reports,
  };
}
