/**
 * Executor overheads with the fake trainer (training time excluded): a finished study re-run
 * (target: under 5 s — the cache check must be cheap), and the start-up of one `dapt stage`
 * process (paid once per stage).
 */
import { mkdtemp, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'dapt.js');
const SEEDS = [1, 2, 3, 4, 5];

async function study(dir: string): Promise<string> {
  await mkdir(join(dir, 'data', 'corpora'), { recursive: true });
  await mkdir(join(dir, 'data', 'tasks', 't1'), { recursive: true });
  await mkdir(join(dir, 'ckpt'));
  await writeFile(join(dir, 'data', 'corpora', 'cs.txt'), Array.from({ length: 200 }, (_, i) => `document ${i} about parsers and graphs ${i * 7}`).join('\n') + '\n');
  for (const split of ['train', 'dev', 'test']) {
    const rows = Array.from({ length: 50 }, (_, i) => JSON.stringify({ text: `${split} example ${i} text ${i * 13}`, label: String(i % 3) }));
    await writeFile(join(dir, 'data', 'tasks', 't1', `${split}.jsonl`), rows.join('\n') + '\n');
  }
  for (const f of ['config.json', 'model.safetensors', 'tokenizer.json']) await writeFile(join(dir, 'ckpt', f), '{}');
  const file = join(dir, 'exp.yaml');
  await writeFile(
    file,
    [
      'name: bench',
      'base: { checkpoint: ckpt }',
      'corpora: { cs: { path: corpora/cs, domain: cs } }',
      'tasks: { t1: { path: tasks/t1, metric: macro_f1, domain: cs } }',
      'defaults: { dapt: { optimizer: { batch_size: 4, max_steps: 10 } }, tapt: { optimizer: { batch_size: 4, epochs: 1 } } }',
      'arms: { baseline: [], dapt: [{ dapt: cs }], tapt: [tapt], dapt_tapt: [{ dapt: cs }, tapt] }',
      `finetune: { lr: 1.0e-4, epochs: 1, seeds: [${SEEDS.join(', ')}] }`,
    ].join('\n') + '\n',
  );
  return file;
}

const dir = await mkdtemp(join(tmpdir(), 'dapt-bench-exec-'));
try {
  const file = await study(dir);
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
