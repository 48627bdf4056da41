/**
 * UnsortedSegmentSum for the wasm backend, which lacks it. It is the gradient of gather, i.e. of
 * every embedding lookup: rows of `x` are added into row `segmentIds[i]` of the output.
 * Written in JS over the heap: the work is one pass over x, memory-bound, and needs no SIMD.
 */
import { UnsortedSegmentSum, util } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo, UnsortedSegmentSumAttrs } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { NativeAddon } from './native/load.ts';
import { f32, heapBytes, i32, indexView, offset, output } from './wasm-heap.ts';

function unsortedSegmentSum(args: {
  inputs: { x: TensorInfo; segmentIds: TensorInfo };
  attrs: UnsortedSegmentSumAttrs;
  backend: BackendWasm;
}): TensorInfo {
  const { x, segmentIds } = args.inputs;
  const { numSegments } = args.attrs;
  const backend = args.backend;
  // segmentIds covers the leading axes of x; every remaining axis is one row of `width`.
  const lead = util.sizeFromShape(segmentIds.shape);
  const width = lead === 0 ? 0 : util.sizeFromShape(x.shape) / lead;
  const outShape = [numSegments, ...x.shape.slice(segmentIds.shape.length)];
  const out = output(backend, outShape, x.dtype, true);
  const ids = indexView(backend, segmentIds);
  const src = x.dtype === 'int32' ? i32(backend, x) : f32(backend, x);
  const dst = x.dtype === 'int32' ? i32(backend, out) : f32(backend, out);
  for (let i = 0; i < lead; i++) {
    const seg = ids[i]!;
    if (seg < 0 || seg >= numSegments) continue; // as TensorFlow: out-of-range ids are dropped
    const so = i * width;
    const d = seg * width;
    for (let j = 0; j < width; j++) dst[d + j] = dst[d + j]! + src[so + j]!;
  }
  return out;
}

export const unsortedSegmentSumConfig: KernelConfig = {
  kernelName: UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSum as unknown as KernelFunc,
};

/** The same with a native pass for float32 rows and int32 ids (an embedding gradient). */
export function nativeUnsortedSegmentSum(native: NativeAddon): KernelConfig {
  const kernelFunc = (args: Parameters<typeof unsortedSegmentSum>[0]): TensorInfo => {
    const { x, segmentIds } = args.inputs;
    if (x.dtype !== 'float32' || segmentIds.dtype !== 'int32') return unsortedSegmentSum(args);
    const backend = args.backend;
    const lead = util.sizeFromShape(segmentIds.shape);
    const width = lead === 0 ? 0 : util.sizeFromShape(x.shape) / lead;
    const out = output(backend, [args.attrs.numSegments, ...x.shape.slice(segmentIds.shape.length)], 'float32');
    native.segmentSum(heapBytes(backend), offset(backend, x), offset(backend, segmentIds), offset(backend, out), lead, width, args.attrs.numSegments);
    return out;
  };
  return { kernelName: UnsortedSegmentSum, backendName: 'wasm', kernelFunc: kernelFunc as unknown as KernelFunc };
}
