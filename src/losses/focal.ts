/**
 * Sigmoid focal loss (Lin et al., ICCV 2017) over K classes, in the torchvision
 * `sigmoid_focal_loss` form: FL = α_t · (1 − p_t)^γ · BCE, α_t = α·t + (1 − α)(1 − t), summed
 * over classes and reduced over RoIs (mean = / N). Computed stably from z = x·(1 − 2t):
 * BCE = softplus(z) and (1 − p_t)^γ = exp(−γ·softplus(−z)), so no pow of 0 and no NaN gradient.
 */
import * as tf from '@tensorflow/tfjs';
import { BalmsInputError } from '../util/errors.js';
import type { ReductionOptions } from './reduce.js';
import { binaryTargets, checkSigmoidInputs, reduceElementwise } from './sigmoidCrossEntropy.js';

export interface FocalOptions extends ReductionOptions {
  /** Focusing parameter γ ≥ 0 (default 2). */
  gamma?: number;
  /** Positive-class weight α ∈ [0, 1] (default 0.25); `null` disables α weighting (α_t = 1). */
  alpha?: number | null;
}

/** Elementwise focal loss for binary targets t ∈ {0, 1}. */
export function focalElementwise(logits: tf.Tensor, targets: tf.Tensor, gamma: number, alpha: number | null): tf.Tensor {
  return tf.tidy(() => {
    const z = tf.mul(logits, tf.sub(1, tf.mul(2, targets))); // x for t = 0, −x for t = 1
    const bce = tf.softplus(z);
    let loss = gamma === 0 ? bce : tf.mul(tf.exp(tf.mul(-gamma, tf.softplus(tf.neg(z)))), bce);
    if (alpha !== null) loss = tf.mul(tf.add(tf.mul(alpha, targets), tf.mul(1 - alpha, tf.sub(1, targets))), loss);
    return loss;
  });
}

export function checkFocalParams(fn: string, gamma: number, alpha: number | null): void {
  if (!(Number.isFinite(gamma) && gamma >= 0)) throw new BalmsInputError(`${fn}: gamma must be ≥ 0, got ${gamma}`);
  if (alpha !== null && !(alpha >= 0 && alpha <= 1)) throw new BalmsInputError(`${fn}: alpha must be in [0, 1], got ${alpha}`);
}

/**
 * Sigmoid focal loss. @param logits [N, K]; @param labels [N] int32 in [0, K], K = background.
 */
export function focalLoss(logits: tf.Tensor2D, labels: tf.Tensor1D, opts: FocalOptions = {}): tf.Tensor {
  const fn = 'focalLoss';
  const lab = checkSigmoidInputs(fn, logits, labels, opts);
  const gamma = opts.gamma ?? 2;
  const alpha = opts.alpha === undefined ? 0.25 : opts.alpha;
  checkFocalParams(fn, gamma, alpha);
  return tf.tidy(() =>
    reduceElementwise(focalElementwise(logits, binaryTargets(lab, logits.shape[1]), gamma, alpha), opts),
  );
}
