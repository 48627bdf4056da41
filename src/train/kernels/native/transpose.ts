/**
 * Transpose for the wasm backend: identity permutations share the input (tfjs's gather gradient
 * emits them), swaps of the last two axes run as a native tiled transpose; anything else goes to
 * the backend's own kernel.
 */
import { Transpose, util } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo, TransposeAttrs } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapBytes, offset, output } from '../wasm-heap.ts';
import type { NativeAddon } from './load.ts';

type Args = { inputs: { x: TensorInfo }; attrs: TransposeAttrs; backend: BackendWasm };

export function transposeKernel(native: NativeAddon, stock: KernelFunc): KernelConfig {
  const kernelFunc = (args: Args): TensorInfo => {
    const { inputs: { x }, attrs: { perm }, backend } = args;
    const rank = x.shape.length;
    const outShape = perm.map((p) => x.shape[p]!);
    if (perm.every((p, i) => p === i)) {
      backend.incRef(x.dataId);
      return { dataId: x.dataId, shape: outShape, dtype: x.dtype };
    }
    const swapsLastTwo = rank >= 2 && perm[rank - 1] === rank - 2 && perm[rank - 2] === rank - 1 && perm.slice(0, -2).every((p, i) => p === i);
    if (!swapsLastTwo || x.dtype === 'string' || x.dtype === 'complex64' || x.dtype === 'bool') {
      return stock(args as unknown as Parameters<KernelFunc>[0]) as TensorInfo;
    }
    const rows = x.shape[rank - 2]!;
    const cols = x.shape[rank - 1]!;
    const out = output(backend, outShape, x.dtype);
    const size = util.sizeFromShape(x.shape);
    // int32 moves as float32 bit patterns: the transpose only copies 4-byte words
    if (size > 0) native.transpose(heapBytes(backend), offset(backend, x), offset(backend, out), size / (rows * cols), rows, cols);
    return out;
  };
  return { kernelName: Transpose, backendName: 'wasm', kernelFunc: kernelFunc as unknown as KernelFunc };
}
