/**
 * Trainer throughput (issue #3, item 9): the real MLM and fine-tuning steps (model, loss, backward,
 * clipping, AdamW) on synthetic batches for the `tiny` and `mini` configs, the GFLOP/s of a 2048³
 * fp32 matmul on the same backend, the backend in use and peak memory. Prints JSON lines.
 * Each case runs in its own process so its peak memory is its own.
 *   node --import tsx bench/train.bench.ts [--quick] [--case tiny:mlm:128:32 [--profile]]
 * --profile adds one line per case with the time of each kernel over one step.
 * Beside each case, the same step in plain PyTorch (bench/reference/torch_step.py) with dapt's
 * ratio, when `python3` (or DAPT_BENCH_PYTHON) has torch; otherwise one line says it was skipped.
 * Environment: DAPT_BACKEND, DAPT_THREADS, DAPT_NATIVE=0, DAPT_BLAS=0 (see src/train/backend).
 */
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, type BackendName } from '../src/train/backend/index.ts';
import { getTrainOps } from '../src/train/ops/index.ts';
import { buildModel, createFinetuneStep, createMlmTrainingStep, disposeModel, parseHfConfig, syntheticClassBatch, syntheticMlmBatch } from '../src/train/index.ts';
import type { TrainingStep } from '../src/train/index.ts';

const configs = {
  tiny: { layers: 2, hidden: 128, heads: 2, ff: 512 },
  mini: { layers: 4, hidden: 256, heads: 4, ff: 1024 },
} as const;
type ConfigName = keyof typeof configs;
type Task = 'mlm' | 'finetune';

const VOCAB = 30522;
const quick = process.argv.includes('--quick');
const caseArg = process.argv[process.argv.indexOf('--case') + 1];
const backendRequest = (process.env.DAPT_BACKEND ?? 'auto') as 'auto' | BackendName;

const cases: Array<[ConfigName, Task, number, number]> = [
  ['tiny', 'mlm', 128, 32],
  ['tiny', 'finetune', 128, 32],
  ['tiny', 'finetune', 256, 16],
  ['mini', 'mlm', 128, 32],
  ['mini', 'finetune', 128, 32],
  ['mini', 'finetune', 256, 16],
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function memory(): { peak_rss_mb: number; wasm_heap_mb: number | null } {
  const heap = tf.getBackend() === 'wasm' ? (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.byteLength : null;
  // maxRSS is in kilobytes; the wasm heap only grows, so its size is its peak
  return { peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024), wasm_heap_mb: heap === null ? null : Math.round(heap / 2 ** 20) };
}

async function runCase(name: ConfigName, task: Task, seq: number, batch: number): Promise<void> {
  const backend = await initBackend(backendRequest);
  const ops = getTrainOps();
  const c = configs[name];
  const config = parseHfConfig(
    {
      model_type: 'bert', vocab_size: VOCAB, hidden_size: c.hidden, num_hidden_layers: c.layers, num_attention_heads: c.heads,
      intermediate_size: c.ff, max_position_embeddings: 512, type_vocab_size: 2,
      ...(task === 'finetune' ? { id2label: { 0: 'neg', 1: 'pos' }, label2id: { neg: 0, pos: 1 } } : {}),
    },
    `bench ${name}`,
  );
  if (task === 'finetune') config.labels ??= ['neg', 'pos'];
  const { model } = buildModel(config, task === 'mlm' ? 'mlm' : 'classifier', null, 1);
  const optim = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, clipNorm: 1 };
  const stepOpts = { model, ops, optim, seed: 1 };
  const warmup = quick ? 1 : 2;
  const timed = quick ? 3 : 10;
  const batches = Array.from({ length: 4 }, (_, i) =>
    task === 'mlm' ? syntheticMlmBatch(config, batch, seq, 0.15, { seed: i }) : syntheticClassBatch(config, batch, seq, 2, { seed: i }),
  );
  const step = (task === 'mlm' ? createMlmTrainingStep(stepOpts) : createFinetuneStep(stepOpts)) as TrainingStep<unknown>;
  const times: number[] = [];
  let loss = NaN;
  for (let i = 0; i < warmup + timed; i++) {
    const t0 = performance.now();
    loss = step.run([batches[i % batches.length]], i, { lr: 1e-4, headLr: 1e-4 }).loss;
    if (i >= warmup) times.push(performance.now() - t0);
  }
  if (process.argv.includes('--profile')) {
    const info = await tf.profile(() => void step.run([batches[0]], warmup + timed, { lr: 1e-4, headLr: 1e-4 }));
    const byKernel = new Map<string, { calls: number; ms: number }>();
    for (const k of info.kernels) {
      const entry = byKernel.get(k.name) ?? { calls: 0, ms: 0 };
      entry.calls += 1;
      entry.ms += Number(k.kernelTimeMs);
      byKernel.set(k.name, entry);
    }
    const kernels = Object.fromEntries([...byKernel].sort((a, b) => b[1].ms - a[1].ms).map(([k, v]) => [k, { calls: v.calls, ms: Math.round(v.ms) }]));
    console.log(JSON.stringify({ bench: 'train', config: name, task, seq, batch, profile: kernels }));
  }
  step.dispose();
  disposeModel(model);
  const ms = median(times);
  console.log(JSON.stringify({
    bench: 'train', config: name, task, seq, batch, steps: timed,
    tokens_per_s: Math.round((batch * seq * 1000) / ms), step_ms_median: Math.round(ms),
    step_ms_min: Math.round(Math.min(...times)), step_ms_max: Math.round(Math.max(...times)),
    final_loss: Number(loss.toFixed(4)), backend: backend.name, ops: backend.ops, blas: backend.blas, threads: backend.threads, ...memory(),
  }));
}

async function runMatmul(): Promise<void> {
  const backend = await initBackend(backendRequest);
  const n = 2048;
  const a = tf.randomNormal([n, n], 0, 1, 'float32', 1);
  const b = tf.randomNormal([n, n], 0, 1, 'float32', 2);
  const times: number[] = [];
  for (let i = 0; i < (quick ? 3 : 6); i++) {
    const t0 = performance.now();
    const c = tf.matMul(a, b);
    c.dataSync();
    times.push(performance.now() - t0);
    c.dispose();
  }
  const ms = median(times.slice(1));
  console.log(JSON.stringify({ bench: 'train', case: 'matmul', n, gflops: Number(((2 * n ** 3) / ms / 1e6).toFixed(1)), ms: Math.round(ms), backend: backend.name, blas: backend.blas, threads: backend.threads, ...memory() }));
  console.log(JSON.stringify({ bench: 'train', case: 'backend', ...backend }));
}

if (caseArg !== undefined && process.argv.includes('--case')) {
  if (caseArg === 'matmul') await runMatmul();
  else {
    const [name, task, seq, batch] = caseArg.split(':');
    await runCase(name as ConfigName, task as Task, Number(seq), Number(batch));
  }
} else {
  const self = fileURLToPath(import.meta.url);
  const extra = quick ? ['--quick'] : [];
  let failed = false;
  const dapt = new Map<string, number>();
  for (const c of ['matmul', ...cases.map((x) => x.join(':'))]) {
    const r = await execa('node', ['--import', 'tsx', self, '--case', c, ...extra], { stdout: 'pipe', stderr: 'inherit', reject: false });
    if (r.stdout) console.log(r.stdout);
    for (const line of r.stdout.split('\n')) {
      const parsed = line.startsWith('{') ? (JSON.parse(line) as { tokens_per_s?: number; profile?: unknown }) : null;
      if (parsed?.tokens_per_s !== undefined && parsed.profile === undefined) dapt.set(c, parsed.tokens_per_s);
    }
    if (r.exitCode !== 0) {
      failed = true;
      console.log(JSON.stringify({ bench: 'train', case: c, error: `exited with ${r.exitCode}` }));
    }
  }
  failed = (await compareWithTorch(dapt, extra)) || failed;
  process.exitCode = failed ? 1 : 0;
}

/**
 * The same cases in plain PyTorch (bench/reference/torch_step.py), when a python3 with torch is
 * present: one line per case with both speeds and dapt's ratio. Returns whether one failed.
 */
async function compareWithTorch(dapt: Map<string, number>, extra: string[]): Promise<boolean> {
  const python = process.env.DAPT_BENCH_PYTHON ?? 'python3';
  const probe = await execa(python, ['-c', 'import torch; print(torch.__version__)'], { reject: false });
  if (probe.exitCode !== 0) {
    const why = probe.failed && probe.exitCode === undefined ? `${python} not found` : `${python} has no torch`;
    console.log(JSON.stringify({ bench: 'train', case: 'vs-torch', skipped: `${why}; install PyTorch (or set DAPT_BENCH_PYTHON) to compare` }));
    return false;
  }
  const script = fileURLToPath(new URL('./reference/torch_step.py', import.meta.url));
  let failed = false;
  for (const [name, task, seq, batch] of cases) {
    const c = `${name}:${task}:${seq}:${batch}`;
    const config = JSON.stringify({ ...configs[name], vocab: VOCAB });
    const r = await execa(python, [script, '--case', c, '--config', config, ...extra], { stderr: 'inherit', reject: false });
    const line = r.stdout.split('\n').find((l) => l.startsWith('{'));
    if (r.exitCode !== 0 || line === undefined) {
      failed = true;
      console.log(JSON.stringify({ bench: 'train', case: 'vs-torch', config: name, task, seq, batch, error: `torch reference exited with ${r.exitCode}` }));
      continue;
    }
    console.log(line);
    const torch = (JSON.parse(line) as { tokens_per_s: number }).tokens_per_s;
    const ours = dapt.get(c);
    console.log(JSON.stringify({
      bench: 'train', case: 'vs-torch', config: name, task, seq, batch, dapt_tokens_per_s: ours ?? null, torch_tokens_per_s: torch,
      ratio: ours === undefined ? null : Number((ours / torch).toFixed(2)),
    }));
  }
  return failed;
}
