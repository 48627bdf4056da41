/**
 * From-scratch initialisation as BERT does it (`_init_weights` in HF): normal(0, initializer_range)
 * for linear and embedding weights, the padding row of padded embeddings zeroed, zero biases,
 * unit LayerNorm. Each tensor's draws are keyed by (seed, its name), so adding a head never
 * changes how the encoder is initialised.
 */
import { rngFor, Stream } from '../rng.ts';
import type { ModelConfig } from './config.ts';
import type { ParamSpec } from './names.ts';

function nameHash(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

export function initialValues(spec: ParamSpec, cfg: ModelConfig, seed: number): Float32Array {
  const size = spec.shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(size);
  if (spec.init === 'ones') out.fill(1);
  if (spec.init === 'normal' || spec.init === 'embedding') {
    const rng = rngFor(seed, Stream.init, nameHash(spec.name));
    for (let i = 0; i < size; i++) out[i] = rng.normal() * cfg.initializerRange;
  }
  if (spec.init === 'embedding') {
    const width = spec.shape[1]!;
    const pad = cfg.padTokenId;
    if (pad < spec.shape[0]!) out.fill(0, pad * width, (pad + 1) * width);
  }
  return out;
}

/** Row-major transpose of a [rows, cols] matrix. */
export function transpose2d(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) out[c * rows + r] = data[base + c]!;
  }
  return out;
}
