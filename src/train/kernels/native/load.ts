/**
 * Loads dapt's optional native addon (native/, built at install time when a C compiler is
 * present) and, through it, OpenBLAS when the system has it. Each piece is optional: what is
 * missing is reported with the reason and the way to get it.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { guardAddon } from './guard.ts';

type Heap = Uint8Array;

/** The addon's functions (native/src/addon.c). Tensor arguments are byte offsets into `heap`. */
export interface NativeAddon {
  geluFwd(heap: Heap, x: number, y: number, n: number): void;
  geluBwd(heap: Heap, dy: number, x: number, dx: number, n: number): void;
  dropout(heap: Heap, x: number, y: number, n: number, seed: number, threshold: number, keep: number): void;
  biasRows(heap: Heap, y: number, bias: number, rows: number, cols: number): void;
  addBias(heap: Heap, x: number, bias: number, y: number, rows: number, cols: number): void;
  colSum(heap: Heap, x: number, out: number, rows: number, cols: number): void;
  transpose(heap: Heap, x: number, y: number, batch: number, rows: number, cols: number): void;
  segmentSum(heap: Heap, x: number, ids: number, out: number, n: number, width: number, segments: number): void;
  sumSquares(heap: Heap, x: number, n: number): number;
  adamw(heap: Heap, p: number, g: number, m: number, v: number, n: number, lr: number, b1: number, b2: number, eps: number, wd: number, bc1: number, bc2: number, gscale: number): void;
  layerNormFwd(heap: Heap, x: number, gamma: number, beta: number, y: number, mean: number, rstd: number, rows: number, cols: number, eps: number): void;
  layerNormBwd(heap: Heap, dy: number, x: number, gamma: number, mean: number, rstd: number, dx: number, dgamma: number, dbeta: number, rows: number, cols: number): void;
  softmaxXentFwd(heap: Heap, logits: number, labels: number, lse: number, rows: number, cols: number): number;
  softmaxXentBwd(heap: Heap, logits: number, labels: number, lse: number, dlogits: number, rows: number, cols: number, scale: number): void;
  sgemm(heap: Heap, transA: number, transB: number, m: number, n: number, k: number, alpha: number, a: number, lda: number, b: number, ldb: number, beta: number, c: number, ldc: number): void;
  sgemmBatched(heap: Heap, transA: number, transB: number, m: number, n: number, k: number, a: number, strideA: number, b: number, strideB: number, c: number, strideC: number, batch: number): void;
  attentionFwd(heap: Heap, q: number, k: number, v: number, mask: number, lse: number, ctx: number, batch: number, seq: number, hidden: number, heads: number, scale: number, dropout: number, seed: number, threshold: number, keep: number): void;
  attentionBwd(heap: Heap, dctx: number, q: number, k: number, v: number, mask: number, lse: number, dq: number, dk: number, dv: number, batch: number, seq: number, hidden: number, heads: number, scale: number, dropout: number, seed: number, threshold: number, keep: number): void;
  /** Loads OpenBLAS and sets it to one thread: the addon shares products out itself (gemm.c). */
  loadBlas(): { ok: true; library: string; core: string } | { ok: false; error: string };
  /** OpenMP threads of every kernel, matrix products included; results do not depend on it. */
  setThreads(threads: number): void;
  cpuHasAvx512(): boolean;
  cpuHasAvx2Fma(): boolean;
  /** Which build this is: `baseline` (x86-64-v2, any node) or `avx2` (x86-64-v3). */
  variant(): string;
}

export type NativeStatus =
  | { addon: NativeAddon; blas: { library: string; core: string } | null; notes: string[] }
  | { addon: null; blas: null; notes: string[] };

const buildDir = fileURLToPath(new URL('../../../../native/build/Release/', import.meta.url));
const addonPath = join(buildDir, 'dapt_native.node');
const wideAddonPath = join(buildDir, 'dapt_native_avx2.node');

let status: NativeStatus | null = null;

/** Loads the addon and BLAS once; `threads` sets both their thread counts. */
export function loadNative(threads: number): NativeStatus {
  if (status !== null) return status;
  if (process.env.DAPT_NATIVE === '0') return (status = { addon: null, blas: null, notes: ['native kernels disabled by DAPT_NATIVE=0'] });
  if (!existsSync(addonPath)) {
    return (status = {
      addon: null,
      blas: null,
      notes: ['native kernels are not built (no C compiler at install time?); run `npm run build:native` for the fast path'],
    });
  }
  // libgomp reads this when the addon loads: idle kernel threads sleep instead of spinning, so
  // they do not take the core from the wasm ops that run between kernels.
  process.env.OMP_WAIT_POLICY ??= 'PASSIVE';
  let addon: NativeAddon;
  try {
    addon = requireAddon(addonPath);
  } catch (e) {
    return (status = { addon: null, blas: null, notes: [`native kernels failed to load (${firstLine(e)}); rebuild with \`npm run build:native\``] });
  }
  const wide = chooseVariant(addon);
  addon = wide.addon;
  addon.setThreads(threads);
  if (process.env.DAPT_BLAS === '0') {
    return (status = { addon, blas: null, notes: [...wide.notes, 'native BLAS disabled by DAPT_BLAS=0; matrix products run in wasm'] });
  }
  const notes = [...wide.notes, chooseOpenBlasCore(addon)].filter((n): n is string => n !== null);
  const blas = addon.loadBlas();
  if (!blas.ok) {
    return (status = {
      addon,
      blas: null,
      notes: [...wide.notes, `no native BLAS (${blas.error}); matrix products run in wasm. Install OpenBLAS (Debian/Ubuntu: apt-get install libopenblas0) for several times the speed`],
    });
  }
  return (status = { addon, blas: { library: blas.library, core: blas.core }, notes });
}

function requireAddon(path: string): NativeAddon {
  return guardAddon(createRequire(import.meta.url)(path) as NativeAddon);
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';
}

/**
 * The baseline build (x86-64-v2) runs on any node of a cluster; the avx2 build (x86-64-v3) is
 * several times faster in the elementwise kernels but dies with SIGILL on an older CPU, so it is
 * loaded only when the baseline build, which runs everywhere, reports AVX2 and FMA. Anything
 * wrong with it leaves the baseline build in use, with a note. DAPT_NATIVE_VARIANT=baseline
 * forces the baseline build (tests compare the two).
 */
function chooseVariant(baseline: NativeAddon): { addon: NativeAddon; notes: string[] } {
  const requested = process.env.DAPT_NATIVE_VARIANT;
  if (requested === 'baseline') return { addon: baseline, notes: ['native kernels: baseline build requested by DAPT_NATIVE_VARIANT=baseline'] };
  if (!baseline.cpuHasAvx2Fma()) {
    return { addon: baseline, notes: ['this CPU has no AVX2/FMA: the native kernels run their baseline (x86-64-v2) build, which is slower'] };
  }
  if (!existsSync(wideAddonPath)) {
    return { addon: baseline, notes: [`the AVX2 build of the native kernels is missing (${wideAddonPath}); using the slower baseline build. Rebuild with \`npm run build:native\``] };
  }
  try {
    return { addon: requireAddon(wideAddonPath), notes: [] };
  } catch (e) {
    return { addon: baseline, notes: [`the AVX2 build of the native kernels failed to load (${firstLine(e)}); using the slower baseline build`] };
  }
}

/**
 * OpenBLAS picks its kernels from OPENBLAS_CORETYPE or, unset, its own CPU detection, which
 * before 0.3.22 does not know AMD Zen 4 and falls back to its much slower AVX2 kernels. dapt
 * asks for the AVX-512 kernels whenever the CPU has AVX-512, replacing an inherited
 * OPENBLAS_CORETYPE; DAPT_BLAS_CORETYPE=<core> chooses, `keep` leaves it alone.
 */
function chooseOpenBlasCore(addon: NativeAddon): string | null {
  const requested = process.env.DAPT_BLAS_CORETYPE;
  const inherited = process.env.OPENBLAS_CORETYPE;
  if (requested === 'keep') return null;
  if (requested !== undefined && requested !== '') {
    process.env.OPENBLAS_CORETYPE = requested;
    return `OpenBLAS core set to ${requested} by DAPT_BLAS_CORETYPE`;
  }
  if (!addon.cpuHasAvx512() || inherited?.toUpperCase() === 'SKYLAKEX') return null;
  process.env.OPENBLAS_CORETYPE = 'SKYLAKEX';
  return inherited === undefined
    ? null
    : `OPENBLAS_CORETYPE=${inherited} from the environment replaced by SKYLAKEX (this CPU has AVX-512); DAPT_BLAS_CORETYPE=keep keeps it`;
}

/** The loaded addon, or null (loadNative not called or unavailable). */
export function nativeAddon(): NativeAddon | null {
  return status?.addon ?? null;
}

export function nativeBlas(): boolean {
  return status?.blas != null;
}
