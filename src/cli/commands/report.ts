/** `dapt report FILE…`: write the report of the experiments from what the run store holds (finished or not). */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError } from '../../errors.ts';
import { DEFAULT_STORE_DIR } from '../../store/layout.ts';
import { storeExists } from '../../store/stage-state.ts';
import { loadStudy, requireStudyFiles } from '../../study/load.ts';
import { type ReportFormat, generateReport } from '../../report/index.ts';
import type { Command } from '../types.ts';

const formats: ReportFormat[] = ['md', 'html', 'latex', 'json'];

export const report: Command = {
  name: 'report',
  usage:
    `report FILE… [--store DIR] [--data-root DIR] [--out DIR] [--format ${formats.join('|')}]\n\n` +
    'Writes report.md, a self-contained report.html and report.json (default <store>/reports/<experiment>/) from the\n' +
    'stages that are done; a partial report says which results are missing. Without --format the\n' +
    'terminal table is printed; --format prints that rendering on stdout instead (latex: the results\n' +
    'tables in booktabs, also written to report.tex), with the file paths on stderr.',
  summary: 'write the report (tables, tests, compute, curves, sweep plots) from the run store',
  options: {
    store: { type: 'string', default: DEFAULT_STORE_DIR },
    'data-root': { type: 'string' },
    out: { type: 'string' },
    format: { type: 'string' },
  },
  async run({ values, positionals }, io) {
    requireStudyFiles(positionals, 'report');
    const format = values['format'] as string | undefined;
    if (format !== undefined && !(formats as string[]).includes(format)) {
      throw new UsageError(`--format must be one of ${formats.join(', ')}, got "${format}"`);
    }
    const storeDir = resolve(io.cwd, values['store'] as string);
    if (!(await storeExists(storeDir))) {
      throw new UsageError(`run store not found: ${storeDir} (run \`dapt run ${positionals.join(' ')}\` first, or give the store with --store)`);
    }
    const { plan } = await loadStudy({
      files: positionals,
      cwd: io.cwd,
      env: io.env,
      storeDir,
      dataRootFlag: (values['data-root'] as string | undefined) ?? null,
    });
    const out = values['out'] === undefined ? undefined : resolve(io.cwd, values['out'] as string);
    const result = await generateReport({ plan, storeDir, ...(out === undefined ? {} : { outDir: out }), ...(format === undefined ? {} : { format: format as ReportFormat }) });

    const paths = result.reports.map((r) => `report: ${r.markdownPath}\n        ${r.htmlPath}${r.latexPath ? `\n        ${r.latexPath}` : ''}`).join('\n');
    if (format === undefined) {
      io.stdout.write(`${result.table}\n${paths}\n`);
      return 0;
    }
    if (format === 'latex') io.stdout.write(result.latex ?? '');
    else if (format === 'json') {
      // One JSON document on stdout: the report itself, or an array of them for several files.
      const docs = await Promise.all(result.reports.map((r) => readFile(r.jsonPath, 'utf8')));
      io.stdout.write(docs.length === 1 ? docs[0]! : `[\n${docs.map((d) => d.trimEnd()).join(',\n')}\n]\n`);
    } else for (const r of result.reports) io.stdout.write(await readFile(format === 'md' ? r.markdownPath : r.htmlPath, 'utf8'));
    io.stderr.write(`${paths}\n`);
    return 0;
  },
};
