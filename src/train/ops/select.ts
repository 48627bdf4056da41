/** Which TrainOps implementation suits the initialised backend; shared by backend init (to record
 *  it) and getTrainOps (to return it), so the two cannot disagree. */
import type { BackendName } from '../backend/types.ts';
import { nativeAddon, nativeBlas } from '../kernels/native/load.ts';
import { makeFusedOps } from './fused.ts';
import { referenceOps } from './reference.ts';
import type { TrainOps } from './types.ts';

let fused: TrainOps | null = null;

export function opsFor(backend: BackendName): TrainOps {
  const native = nativeAddon();
  if (backend !== 'wasm' || native === null) return referenceOps;
  return (fused ??= makeFusedOps(native, nativeBlas()));
}
