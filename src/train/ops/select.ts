/** Which TrainOps implementation suits a backend; shared by backend init (to record it) and
 *  getTrainOps (to return it), so the two cannot disagree. */
import type { BackendName } from '../backend/types.ts';

export type OpsName = 'reference' | 'fused';

export function opsFor(backend: BackendName): OpsName {
  void backend;
  return 'reference';
}
