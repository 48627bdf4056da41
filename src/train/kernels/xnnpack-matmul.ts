/**
 * BatchMatMul for the wasm backend without native BLAS. The stock kernel sends only untransposed,
 * unbatched products to XNNPACK and runs the rest (every backward and attention product) in a
 * scalar loop at a few GFLOP/s; here transposed operands are materialised once and each batch
 * entry becomes its own untransposed XNNPACK product on views of the heap (no copies).
 *
 * XNNPACK caches its packed weights by the right operand's tensor id, which would go stale when
 * AdamW updates a parameter in place; each call therefore uses fresh view ids, disposed after.
 */
import { broadcast_util, util } from '@tensorflow/tfjs-core';
import { BatchMatMul } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { f32, offset, output } from './wasm-heap.ts';

interface WasmModule {
  cwrap(name: string, ret: null, args: string[]): (...args: unknown[]) => void;
  tfjs: { registerTensor(id: number, size: number, offset: number): void; disposeData(id: number): void };
}

type Args = { inputs: { a: TensorInfo; b: TensorInfo }; attrs: { transposeA: boolean; transposeB: boolean }; backend: BackendWasm };
type TransposeFunc = (args: { inputs: { x: TensorInfo }; attrs: { perm: number[] }; backend: BackendWasm }) => TensorInfo;

const shapeBytes = (shape: number[]) => new Uint8Array(new Int32Array(shape).buffer);

export function xnnpackBatchMatMul(transpose: TransposeFunc): KernelConfig {
  let wasmBatchMatMul: ((...args: unknown[]) => void) | null = null;

  /** [batch, r, c] → [batch, c, r] as a new tensor */
  const swapLastTwo = (backend: BackendWasm, x: TensorInfo, batch: number, r: number, c: number): TensorInfo =>
    transpose({ inputs: { x: { ...x, shape: [batch, r, c] } }, attrs: { perm: [0, 2, 1] }, backend });

  const kernelFunc = ({ inputs, attrs, backend }: Args): TensorInfo => {
    const { a, b } = inputs;
    if (a.dtype !== 'float32' || b.dtype !== 'float32') throw new Error('BatchMatMul supports float32 only');
    const module = backend.wasm as unknown as WasmModule;
    wasmBatchMatMul ??= module.cwrap(BatchMatMul, null, ['number', 'array', 'number', 'number', 'array', 'number', 'number', 'number', 'number']);
    const ar = a.shape.length;
    const br = b.shape.length;
    const m = attrs.transposeA ? a.shape[ar - 1]! : a.shape[ar - 2]!;
    const k = attrs.transposeA ? a.shape[ar - 2]! : a.shape[ar - 1]!;
    const kb = attrs.transposeB ? b.shape[br - 1]! : b.shape[br - 2]!;
    const n = attrs.transposeB ? b.shape[br - 2]! : b.shape[br - 1]!;
    util.assert(k === kb, () => `matMul: inner dimensions ${k} and ${kb} of shapes [${a.shape}] and [${b.shape}] differ`);
    const batchA = util.sizeFromShape(a.shape.slice(0, -2));
    const batchB = util.sizeFromShape(b.shape.slice(0, -2));
    util.assert(batchA === batchB || batchA === 1 || batchB === 1, () => `matMul: batch shapes [${a.shape}] and [${b.shape}] do not broadcast`);
    const outer = broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
    const batch = Math.max(batchA, batchB);
    const out = output(backend, [...outer, m, n], 'float32');
    if (m * n === 0) return out;
    if (k === 0) {
      f32(backend, out).fill(0);
      return out;
    }
    const aT = attrs.transposeA ? swapLastTwo(backend, a, batchA, k, m) : a;
    const bT = attrs.transposeB ? swapLastTwo(backend, b, batchB, n, k) : b;
    const [oa, ob, oc] = [offset(backend, aT), offset(backend, bT), offset(backend, out)];
    const counter = backend as unknown as { dataIdNextNumber: number };
    for (let i = 0; i < batch; i++) {
      const ids = [counter.dataIdNextNumber++, counter.dataIdNextNumber++, counter.dataIdNextNumber++];
      module.tfjs.registerTensor(ids[0]!, m * k, oa + 4 * (batchA === 1 ? 0 : i * m * k));
      module.tfjs.registerTensor(ids[1]!, k * n, ob + 4 * (batchB === 1 ? 0 : i * k * n));
      module.tfjs.registerTensor(ids[2]!, m * n, oc + 4 * i * m * n);
      try {
        wasmBatchMatMul(ids[0], shapeBytes([1, m, k]), 3, ids[1], shapeBytes([1, k, n]), 3, 0, 0, ids[2]);
      } finally {
        for (const id of ids) module.tfjs.disposeData(id);
      }
    }
    if (aT !== a) backend.disposeData(aT.dataId);
    if (bT !== b) backend.disposeData(bT.dataId);
    return out;
  };
  return { kernelName: BatchMatMul, backendName: 'wasm', kernelFunc: kernelFunc as unknown as KernelFunc };
}
