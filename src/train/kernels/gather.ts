/**
 * GatherV2 along axis 0 for the wasm backend as row copies within the heap (the stock kernel
 * took tens of milliseconds for an embedding lookup of a batch); other forms go to the stock
 * kernel. Out-of-range indices are an error, as on TensorFlow's CPU kernels.
 */
import { GatherV2, util } from '@tensorflow/tfjs-core';
import type { GatherV2Attrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapBytes, indexView, offset, output } from './wasm-heap.ts';

type Args = { inputs: { x: TensorInfo; indices: TensorInfo }; attrs: GatherV2Attrs; backend: BackendWasm };

export function gatherKernel(stock: KernelFunc): KernelConfig {
  const kernelFunc = (args: Args): TensorInfo => {
    const { inputs: { x, indices }, attrs, backend } = args;
    const axis = util.parseAxisParam(attrs.axis, x.shape)[0]!;
    if (axis !== 0 || (attrs.batchDims ?? 0) !== 0 || x.dtype === 'string' || x.dtype === 'bool' || x.dtype === 'complex64') {
      return stock(args as unknown as Parameters<KernelFunc>[0]) as TensorInfo;
    }
    const rows = x.shape[0]!;
    const width = rows === 0 ? 0 : util.sizeFromShape(x.shape) / rows;
    const out = output(backend, [...indices.shape, ...x.shape.slice(1)], x.dtype);
    const ids = indexView(backend, indices);
    const heap = new Int32Array(heapBytes(backend).buffer);
    const src = offset(backend, x) >>> 2;
    const dst = offset(backend, out) >>> 2;
    for (let i = 0; i < ids.length; i++) {
      const r = ids[i]!;
      if (!(r >= 0 && r < rows)) throw new Error(`gather: index ${r} at position ${i} is outside [0, ${rows})`);
      heap.copyWithin(dst + i * width, src + r * width, src + (r + 1) * width);
    }
    return out;
  };
  return { kernelName: GatherV2, backendName: 'wasm', kernelFunc: kernelFunc as unknown as KernelFunc };
}
