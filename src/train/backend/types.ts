/** Which TF.js backend runs the trainer, and how. Recorded with every stage's results. */
export type BackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';

export interface BackendInfo {
  name: BackendName;
  /** Worker threads the backend computes with (1 for the single-threaded wasm build). */
  threads: number;
  simd: boolean;
  /** Native BLAS library used for large matrix products, if any (e.g. `openblas`). */
  blas: string | null;
  /** Ops implementation in use (see src/train/ops/types.ts). */
  ops: string;
  /** Why a better backend was not used (missing package, failed load…), for the user. */
  notes: string[];
}
