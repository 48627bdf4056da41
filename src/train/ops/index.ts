/** The TrainOps for the initialised backend. */
import { currentBackend } from '../backend/index.ts';
import { InternalError } from '../../errors.ts';
import { opsFor } from './select.ts';
import type { TrainOps } from './types.ts';

export type { TrainOps, DropoutSpec } from './types.ts';
export { referenceOps } from './reference.ts';

/** Best implementation for the backend initialised by initBackend(); call that first. */
export function getTrainOps(): TrainOps {
  const backend = currentBackend();
  if (backend === null) throw new InternalError('getTrainOps() called before initBackend()');
  return opsFor(backend.name);
}
