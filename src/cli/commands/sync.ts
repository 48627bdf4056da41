/** `dapt sync`: replay tracking records kept in the run store's outbox while MLflow was unreachable. */
import { resolve } from 'node:path';
import { FileNotFoundError } from '../../errors.ts';
import { settleProducedBy } from '../../execute/produced-by.ts';
import { DEFAULT_STORE_DIR } from '../../store/layout.ts';
import { storeExists } from '../../store/stage-state.ts';
import { openTracking } from '../../track/index.ts';
import type { Command } from '../types.ts';

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export const sync: Command = {
  name: 'sync',
  usage: 'sync [--store DIR]',
  summary: 'send tracking records queued while the MLflow server was unreachable (exit 1 if any remain)',
  options: {
    store: { type: 'string', default: DEFAULT_STORE_DIR },
  },
  async run({ values }, io) {
    const storeDir = resolve(io.cwd, values['store'] as string);
    if (!(await storeExists(storeDir))) throw new FileNotFoundError(storeDir, 'run store');
    const warnings: string[] = [];
    const tracking = openTracking({ storeDir, env: io.env, onWarning: (m) => warnings.push(m) });
    const result = await tracking.sync();
    await settleProducedBy(storeDir);
    for (const w of warnings) io.stderr.write(`dapt: warning: ${w}\n`);
    io.stdout.write(`replayed ${plural(result.replayed, 'record')}; ${result.pending} pending\n`);
    if (result.pending > 0) {
      io.stderr.write(`dapt: ${plural(result.pending, 'record')} still pending${result.error ? `: ${result.error}` : ''}\n`);
      io.stderr.write('dapt: run `dapt sync` again once the MLflow server is reachable\n');
    }
    if (result.rejected > 0) {
      io.stderr.write(
        `dapt: ${plural(result.rejected, 'record')} refused by the MLflow store for good; ` +
          `each file in ${resolve(storeDir, 'mlflow-outbox', 'rejected')} says why (delete them once read)\n`,
      );
    }
    return result.pending > 0 || result.rejected > 0 ? 1 : 0;
  },
};
