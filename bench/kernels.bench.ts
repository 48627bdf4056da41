/**
 * The native reductions that decide thread-count independence (issue #14): layer norm backward,
 * sum of squares (global norm) and the cross-entropy forward, which sum in fixed-size chunks
 * instead of one partial per thread. Timed at the `mini` MLM shape (32×128 rows of 256; logits of
 * 4,096 masked rows × 2,048 columns) on DAPT_THREADS threads, each next to a reference measured in
 * the same process: GELU forward over the same number of elements, an elementwise kernel without
 * reductions whose speed the change does not touch. The ratio to it is what stays comparable
 * between runs on a busy machine. Prints JSON lines.
 *   node --import tsx bench/kernels.bench.ts
 */
import { availableParallelism } from 'node:os';
import { loadNative, type NativeAddon } from '../src/train/kernels/native/load.ts';

const ROWS = 32 * 128;
const COLS = 256;
const LOGIT_COLS = 2048;
const REPEATS = 50;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

/** Median milliseconds of `f` over REPEATS runs after a warm-up run. */
function time(f: () => void): number {
  f();
  const times: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const t0 = performance.now();
    f();
    times.push(performance.now() - t0);
  }
  return median(times);
}

function bench(addon: NativeAddon, threads: number): void {
  const n = ROWS * COLS;
  const logits = ROWS * LOGIT_COLS;
  // x, dy, y, dx: n each; gamma, beta, dgamma, dbeta: COLS; mean, rstd, lse: ROWS; logits; labels
  const floats = 4 * n + 4 * COLS + 3 * ROWS + logits + ROWS;
  const heap = new Uint8Array(floats * 4);
  const f = new Float32Array(heap.buffer);
  for (let i = 0; i < f.length; i++) f[i] = Math.sin(i) * 0.5;
  let at = 0;
  const take = (count: number) => ((at += count * 4) - count * 4);
  const [x, dy, y, dx] = [take(n), take(n), take(n), take(n)];
  const [gamma, beta, dgamma, dbeta] = [take(COLS), take(COLS), take(COLS), take(COLS)];
  const [mean, rstd, lse] = [take(ROWS), take(ROWS), take(ROWS)];
  const lg = take(logits);
  const labels = take(ROWS);
  new Int32Array(heap.buffer, labels, ROWS).forEach((_, i, a) => (a[i] = (i * 7) % LOGIT_COLS));
  addon.layerNormFwd(heap, x, gamma, beta, y, mean, rstd, ROWS, COLS, 1e-5);

  const reference = time(() => addon.geluFwd(heap, x, y, n));
  const referenceLogits = time(() => addon.geluFwd(heap, lg, lg, logits));
  const cases = {
    layer_norm_bwd: { ms: time(() => addon.layerNormBwd(heap, dy, x, gamma, mean, rstd, dx, dgamma, dbeta, ROWS, COLS)), reference },
    sum_squares: { ms: time(() => addon.sumSquares(heap, x, n)), reference },
    softmax_xent_fwd: { ms: time(() => addon.softmaxXentFwd(heap, lg, labels, lse, ROWS, LOGIT_COLS)), reference: referenceLogits },
  };
  for (const [kernel, { ms, reference: ref }] of Object.entries(cases)) {
    console.log(JSON.stringify({ bench: 'kernels', kernel, threads, build: 'variant' in addon ? addon.variant() : 'before #14', ms: Number(ms.toFixed(3)), gelu_reference_ms: Number(ref.toFixed(3)), ratio_to_reference: Number((ms / ref).toFixed(3)) }));
  }
}

const threads = Number(process.env.DAPT_THREADS) || availableParallelism();
const { addon, notes } = loadNative(threads);
if (addon === null) console.log(JSON.stringify({ bench: 'kernels', skipped: notes.join('; ') }));
else bench(addon, threads);
