/**
 * The run store must be on a filesystem every node shares: jobs read their spec.json from it and
 * write their outputs into it. Before submitting stages, a tiny job writes a file into the store;
 * if the file does not appear here, nothing is submitted. A success is remembered per partition
 * in `<store>/slurm/store-check/` (delete it to check again).
 */
import { randomUUID } from 'node:crypto';
import { access, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { DaptError, InterruptedError } from '../../errors.ts';
import { observeJobs } from './observe.ts';
import { probeScript, probeSbatchArgs } from './sbatch.ts';
import type { SlurmClient, SlurmSettings } from './types.ts';

export interface ProbeOptions {
  client: SlurmClient;
  storeDir: string;
  settings: SlurmSettings;
  /** Paths a job must see besides the store: the node binary and dapt's entry point. */
  mustExist: readonly string[];
  stopped(): boolean;
  wait(ms: number): Promise<void>;
  onStatus(message: string): void;
}

const exists = (p: string) => access(p).then(() => true, () => false);

export function storeCheckDir(storeDir: string): string {
  return join(storeDir, 'slurm', 'store-check');
}

/** Resolves once a job has written into the store; throws DaptError(DAPT_SLURM) if it could not. */
export async function checkSharedStore(opts: ProbeOptions): Promise<void> {
  const dir = storeCheckDir(opts.storeDir);
  const okFile = join(dir, `${(opts.settings.partition ?? 'default').replace(/[^A-Za-z0-9._-]/g, '_')}.ok`);
  if (await exists(okFile)) return;
  await mkdir(dir, { recursive: true });
  const marker = join(dir, `${randomUUID()}.seen`);
  const request = { dir, marker, mustExist: opts.mustExist };
  const jobId = await opts.client.submit({ args: probeSbatchArgs(request, opts.settings), script: probeScript(request, opts.settings.setup), env: {} });
  const output = join(dir, `probe-${jobId}.out`);
  opts.onStatus(`checking that Slurm jobs can write to the run store (Slurm job ${jobId})`);
  let lastState = '';
  try {
    for (;;) {
      if (opts.stopped()) {
        await opts.client.cancel([jobId]).catch(() => undefined);
        throw new InterruptedError('interrupted while checking the run store; nothing was submitted');
      }
      if (await exists(marker)) break;
      const sighting = (await observeJobs(opts.client, [jobId]).catch(() => null))?.get(jobId);
      if (sighting?.phase === 'ended') {
        // The job may end a moment before its file shows up over a network filesystem.
        await opts.wait(1000);
        if (await exists(marker)) break;
        const said = (await readFile(output, 'utf8').catch(() => '')).trim();
        throw new DaptError(
          'DAPT_SLURM',
          `the store check (Slurm job ${jobId}, ${sighting.row ? `ended ${sighting.row.state}` : 'gone from the queue'}) did not write ${marker}. ` +
            `The run store (${opts.storeDir}) must be on a filesystem that every node shares — a home or project directory, not /tmp or ` +
            `a node-local disk — and Node and dapt must be at the same paths on the nodes (${opts.mustExist.join(', ')}).` +
            (said ? `\nThe job printed:\n${said}` : ''),
        );
      }
      const state = sighting?.row ? `${sighting.row.state}${sighting.row.reason ? ` (${sighting.row.reason})` : ''}` : '';
      if (state && state !== lastState) opts.onStatus(`store check job ${jobId}: ${state}`);
      lastState = state || lastState;
      await opts.wait(Math.min(opts.settings.pollMs, 2000));
    }
  } finally {
    await rm(marker, { force: true });
  }
  await rm(output, { force: true });
  await writeFile(okFile, `${new Date().toISOString()} checked from ${hostname()} by Slurm job ${jobId}\n`);
}
