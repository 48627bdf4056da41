/** `dapt gc [FILE…]`: remove stage directories no experiment refers to. */
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { UsageError } from '../../errors.ts';
import { DEFAULT_STORE_DIR } from '../../store/layout.ts';
import type { Command } from '../types.ts';

async function defaultFiles(cwd: string): Promise<string[]> {
  const dir = join(cwd, 'experiments');
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    throw new UsageError('no experiment files given and no experiments/ directory here; name the files whose stages to keep');
  }
  const files = names.filter((n) => n.endsWith('.yaml') || n.endsWith('.yml')).sort().map((n) => join('experiments', n));
  if (files.length === 0) throw new UsageError('experiments/ has no .yaml files; name the files whose stages to keep');
  return files;
}

export const gc: Command = {
  name: 'gc',
  usage: 'gc [FILE…] [--store DIR] [--data-root DIR] [--dry-run]',
  summary: 'remove stage directories that no plan of the experiment files (default experiments/*.yaml) uses',
  options: {
    store: { type: 'string', default: DEFAULT_STORE_DIR },
    'data-root': { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
  },
  async run({ values, positionals }, io) {
    // Loaded here, not at the top: every `dapt stage` process loads the command table.
    const [{ collectGarbage, formatBytes }, { loadStudy }] = await Promise.all([import('../../execute/gc.ts'), import('../../study/load.ts')]);
    const storeDir = resolve(io.cwd, values['store'] as string);
    const files = positionals.length ? positionals : await defaultFiles(io.cwd);
    const { plan } = await loadStudy({ command: 'gc', files, cwd: io.cwd, env: io.env, storeDir, dataRootFlag: (values['data-root'] as string | undefined) ?? null });
    const dry = values['dry-run'] === true;
    const result = await collectGarbage(storeDir, new Set(plan.stages.map((s) => s.key)), { dryRun: dry });
    const verb = dry ? 'would remove' : 'removed';
    for (const e of result.removed) io.stdout.write(`${verb} ${e.dir} (${formatBytes(e.bytes)})\n`);
    for (const e of result.skipped) io.stderr.write(`kept ${e.dir}: a running process holds its lock\n`);
    io.stdout.write(`${verb} ${result.removed.length} stage director${result.removed.length === 1 ? 'y' : 'ies'}, ${formatBytes(result.bytes)}${dry ? ' (--dry-run: nothing removed)' : ' freed'}\n`);
    return 0;
  },
};
