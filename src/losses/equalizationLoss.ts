/**
 * Equalization loss (EQL, Tan et al., CVPR 2020), sigmoid form over K classes:
 *
 *   L = −(1/N) Σ_i Σ_j w_ij · [t_ij log p_ij + (1 − t_ij) log(1 − p_ij)],
 *   w_ij = 1 − E(r_i) · T_λ(f_j) · (1 − t_ij)
 *
 * E(r) = 1 for a foreground RoI and 0 for a background RoI (the exclusion of the background:
 * background RoIs keep every negative), T_λ(f) = 1 when the image frequency f_j =
 * imageCount_j / numTrainImages is below λ. So for foreground RoIs, the negative gradients of
 * tail classes (f_j < λ) are dropped. The paper's λ on LVIS v0.5 is 1.76e-3.
 */
import * as tf from '@tensorflow/tfjs';
import { BalmsInputError } from '../util/errors.js';
import type { ReductionOptions } from './reduce.js';
import {
  binaryCrossEntropyElementwise, binaryTargets, checkSigmoidInputs, foregroundRowsTimes, reduceElementwise,
} from './sigmoidCrossEntropy.js';

export interface EqualizationLossOptions extends ReductionOptions {
  /** Frequency threshold λ (default 1.76e-3). */
  lambda?: number;
}

/** T_λ(f_j) as 0/1 floats. */
export function eqlTailMask(imageCounts: ArrayLike<number>, numTrainImages: number, lambda: number, fn = 'equalizationLoss'): Float32Array {
  if (!(Number.isFinite(numTrainImages) && numTrainImages > 0)) throw new BalmsInputError(`${fn}: numTrainImages must be > 0, got ${numTrainImages}`);
  if (!(Number.isFinite(lambda) && lambda >= 0)) throw new BalmsInputError(`${fn}: lambda must be ≥ 0, got ${lambda}`);
  const out = new Float32Array(imageCounts.length);
  for (let j = 0; j < imageCounts.length; j++) {
    const c = imageCounts[j]!;
    if (!(Number.isFinite(c) && c >= 0)) throw new BalmsInputError(`${fn}: imageCounts[${j}] = ${c} is not a count ≥ 0`);
    out[j] = c / numTrainImages < lambda ? 1 : 0;
  }
  return out;
}

/** EQL. @param logits [N, K]; @param labels [N] int32 in [0, K], K = background. */
export function equalizationLoss(
  logits: tf.Tensor2D,
  labels: tf.Tensor1D,
  imageCounts: ArrayLike<number>,
  numTrainImages: number,
  opts: EqualizationLossOptions = {},
): tf.Tensor {
  const fn = 'equalizationLoss';
  const lab = checkSigmoidInputs(fn, logits, labels, opts);
  const k = logits.shape[1];
  if (imageCounts.length !== k) throw new BalmsInputError(`${fn}: ${imageCounts.length} image counts for ${k} logit columns`);
  const tail = eqlTailMask(imageCounts, numTrainImages, opts.lambda ?? 1.76e-3, fn);
  return tf.tidy(() => {
    const t = binaryTargets(lab, k);
    // w = 1 − E·T·(1 − t) = 1 − E·T + E·T·t
    const et = foregroundRowsTimes(lab, tail);
    const w = tf.add(tf.sub(tf.onesLike(et), et), tf.mul(et, t));
    return reduceElementwise(tf.mul(w, binaryCrossEntropyElementwise(logits, t)), opts);
  });
}
