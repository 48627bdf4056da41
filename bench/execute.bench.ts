/**
 * Executor overheads with the fake trainer (training time excluded): a finished study re-run
 * (target: under 5 s — the cache check must be cheap), and the start-up of one `dapt stage`
 * process (paid once per stage).
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { benchStudy } from './_study.ts';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'dapt.js');
const SEEDS = [1, 2, 3, 4, 5];

const dir = await mkdtemp(join(tmpdir(), 'dapt-bench-exec-'));
try {
  const file = await benchStudy(dir, SEEDS);
  const env = { ...process.env, DAPT_DATA: join(dir, 'data') };
  const run = (args: string[]) => execa(process.execPath, [bin, 'run', file, '--store', join(dir, 'runs'), '--trainer', 'fake', ...args], { cwd: dir, env });
  await run(['--jobs', '4']);
  const stages = (await readdir(join(dir, 'runs', 'stages'))).length;
  const times: number[] = [];
  for (let i = 0; i < 3; i += 1) {
    const started = performance.now();
    await run([]);
    times.push((performance.now() - started) / 1000);
  }
  times.sort((a, b) => a - b);
  console.log(JSON.stringify({ bench: 'execute', case: 'rerun-cached', stages, seconds: Number(times[1]!.toFixed(2)), target: 5 }));

  const spec = join(dir, 'runs', 'stages', (await readdir(join(dir, 'runs', 'stages')))[0]!, 'spec.json');
  const startup: number[] = [];
  for (let i = 0; i < 3; i += 1) {
    const started = performance.now();
    await execa(process.execPath, [bin, 'stage', spec], { env });
    startup.push((performance.now() - started) / 1000);
  }
  startup.sort((a, b) => a - b);
  console.log(JSON.stringify({ bench: 'execute', case: 'stage-process-startup', seconds: Number(startup[1]!.toFixed(2)) }));
} finally {
  await rm(dir, { recursive: true, force: true });
}
