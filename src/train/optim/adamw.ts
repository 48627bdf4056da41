/**
 * AdamW (decoupled weight decay, as torch.optim.AdamW) over a model's parameters, with
 * two groups: decay (weights) vs no decay (biases and LayerNorm weights), and encoder vs head
 * learning rate. Global-norm clipping as torch's clip_grad_norm_ (scale by max/(norm + 1e-6)).
 * Moments are tf.Variables updated in place by `ops.adamwUpdate`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { DaptError } from '../../errors.ts';
import type { TensorMap } from '../checkpoint/safetensors.ts';
import type { EncoderModel } from '../model/model.ts';
import type { TrainOps } from '../ops/types.ts';

export interface AdamWSettings {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  clipNorm: number | null;
}

export interface StepRates {
  lr: number;
  headLr: number;
}

export class AdamW {
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();

  constructor(
    private readonly model: EncoderModel,
    private readonly ops: TrainOps,
    private readonly settings: AdamWSettings,
  ) {
    for (const spec of model.specs) {
      this.m.set(spec.name, tf.variable(tf.zeros(spec.shape), false));
      this.v.set(spec.name, tf.variable(tf.zeros(spec.shape), false));
    }
  }

  /**
   * Applies summed gradients of `accum` micro-batches (each the mean over its batch) as one
   * update; `step` is 1-based. Returns the global norm of the averaged gradient before clipping.
   * Parameters without a gradient are left alone, as torch does for `grad is None`.
   */
  apply(grads: Map<string, tf.Tensor>, accum: number, step: number, rates: StepRates): number {
    const list = [...grads.values()];
    const normSum = tf.tidy(() => this.ops.globalNorm(list).dataSync()[0]!);
    const norm = normSum / accum;
    if (!Number.isFinite(norm)) {
      throw new DaptError('DAPT_NON_FINITE_LOSS', `gradient norm is ${norm} at step ${step} (lr ${rates.lr}); lower the learning rate or enable clipping`);
    }
    let scale = 1 / accum;
    const clip = this.settings.clipNorm;
    if (clip !== null && norm > clip) scale *= clip / (norm + 1e-6);
    for (const spec of this.model.specs) {
      const g = grads.get(spec.name);
      if (g === undefined) continue;
      const lr = spec.role === 'encoder' ? rates.lr : rates.headLr;
      this.ops.adamwUpdate(this.model.params.get(spec.name)!, g, this.m.get(spec.name)!, this.v.get(spec.name)!, {
        lr,
        beta1: this.settings.beta1,
        beta2: this.settings.beta2,
        eps: this.settings.eps,
        weightDecay: spec.decay ? this.settings.weightDecay : 0,
        step,
        gradScale: scale,
      });
    }
    return norm;
  }

  /** Moments as `<param>.exp_avg` / `<param>.exp_avg_sq` (torch's state names), in dapt's layout. */
  async exportState(): Promise<TensorMap> {
    const out: TensorMap = new Map();
    for (const spec of this.model.specs) {
      out.set(`${spec.name}.exp_avg`, { shape: spec.shape.slice(), data: (await this.m.get(spec.name)!.data()) as Float32Array });
      out.set(`${spec.name}.exp_avg_sq`, { shape: spec.shape.slice(), data: (await this.v.get(spec.name)!.data()) as Float32Array });
    }
    return out;
  }

  importState(state: TensorMap, file: string): void {
    for (const spec of this.model.specs) {
      for (const [suffix, target] of [['exp_avg', this.m], ['exp_avg_sq', this.v]] as const) {
        const t = state.get(`${spec.name}.${suffix}`);
        if (t === undefined || t.shape.join(',') !== spec.shape.join(',')) {
          throw new DaptError('DAPT_CHECKPOINT_INVALID', `${file} lacks a valid ${spec.name}.${suffix}; delete the checkpoint to restart the stage`);
        }
        const variable = target.get(spec.name)!;
        tf.tidy(() => variable.assign(tf.tensor(t.data, spec.shape, 'float32')));
      }
    }
  }

  dispose(): void {
    for (const x of [...this.m.values(), ...this.v.values()]) x.dispose();
    this.m.clear();
    this.v.clear();
  }
}
