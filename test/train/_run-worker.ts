/** Runs one stage in a subprocess (_resume-worker.ts), optionally stopping it mid-run. */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const worker = join(dirname(fileURLToPath(import.meta.url)), '_resume-worker.ts');

/**
 * Runs the worker with `env` added to this process's; with `killAt`, sends `signal` (SIGKILL)
 * once it reports that step. Resolves with its stdout.
 */
export function runWorker(kind: string, stageDir: string, setup: string, killAt?: number, signal: 'SIGKILL' | 'SIGTERM' = 'SIGKILL', env: Record<string, string> = {}): Promise<{ out: string; killed: boolean }> {
  return new Promise((resolve, reject) => {
    const childEnv = { ...process.env, ...env, RESUME_WORKER_SIGNALS: signal === 'SIGTERM' ? '1' : '0' };
    const child = spawn(process.execPath, ['--import', 'tsx', worker, kind, stageDir, setup], { stdio: ['ignore', 'pipe', 'pipe'], env: childEnv });
    let out = '';
    let err = '';
    let killed = false;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /progress (\d+)\n$/.exec(out);
      if (killAt !== undefined && !killed && m && Number(m[1]) >= killAt) {
        killed = true;
        child.kill(signal);
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (killed && signal === 'SIGKILL') resolve({ out, killed });
      else if (killed && code === 0 && /interrupted\n$/.test(out)) resolve({ out, killed });
      else if (code === 0) resolve({ out, killed });
      else reject(new Error(`worker exited with ${code ?? signal}: ${err.slice(-2000)}`));
    });
  });
}
