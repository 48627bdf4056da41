/**
 * Identity for the wasm backend that shares the input's buffer (reference-counted, as the cpu
 * backend does) instead of copying it. tfjs clones every tensor it saves for a gradient, so the
 * stock copying kernel duplicated most activations of a training step.
 */
import { Identity } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

function identity({ inputs, backend }: { inputs: { x: TensorInfo }; backend: BackendWasm }): TensorInfo {
  const { x } = inputs;
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape.slice(), dtype: x.dtype };
}

export const sharedIdentityConfig: KernelConfig = {
  kernelName: Identity,
  backendName: 'wasm',
  kernelFunc: identity as unknown as KernelFunc,
};
