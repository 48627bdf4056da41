/**
 * Typed views of tensors held on the wasm backend's heap, for kernels written in JS (or native
 * code) that read and write the heap in place instead of copying through readSync.
 */
import type { DataType, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/** A fresh Float32Array view each call: heap growth detaches earlier views. */
export function f32(backend: BackendWasm, t: TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(t) as Float32Array;
}

export function i32(backend: BackendWasm, t: TensorInfo): Int32Array {
  return backend.typedArrayFromHeap(t) as Int32Array;
}

/** Integer indices of any integer dtype as plain numbers (int32 heap view, or a float copy). */
export function indexView(backend: BackendWasm, t: TensorInfo): Int32Array | Float32Array {
  return t.dtype === 'int32' ? i32(backend, t) : f32(backend, t);
}

/** Allocates an output on the heap; contents are uninitialised unless `zero`. */
export function output(backend: BackendWasm, shape: number[], dtype: DataType, zero = false): TensorInfo {
  const out = backend.makeOutput(shape, dtype);
  if (zero) (backend.typedArrayFromHeap(out) as Float32Array | Int32Array).fill(0);
  return out;
}

/** Byte offset of a tensor's data in the heap. */
export function offset(backend: BackendWasm, t: TensorInfo): number {
  return backend.dataIdMap.get(t.dataId)!.memoryOffset;
}

/** The heap as bytes. Take it after allocating outputs: growing the heap replaces the buffer. */
export function heapBytes(backend: BackendWasm): Uint8Array {
  return (backend.wasm as unknown as { HEAPU8: Uint8Array }).HEAPU8;
}
