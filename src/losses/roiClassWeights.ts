/**
 * Per-class weights → per-RoI weights of the classification loss (the Meta Reweighter's
 * weighting, `RoiLossOptions.classWeights`): foreground RoI i gets v[y_i], renormalised so the
 * foreground RoIs average 1; background RoIs (label ≥ K) get 1:
 *     a_i = N_fg · v[y_i] / Σ_{j fg} v[y_j].
 */
import * as tf from '@tensorflow/tfjs';
import { BalmsInputError } from '../util/errors.js';

/**
 * `[N]` per-RoI weights for `labels` (int, ≥ 0; ≥ K = background) from `[K]` class weights;
 * differentiable with respect to `classWeights`.
 */
export function roiWeightsFromClassWeights(classWeights: tf.Tensor1D, labels: ArrayLike<number>): tf.Tensor1D {
  const k = classWeights.shape[0];
  const r = labels.length;
  const onehot = new Float32Array(r * k);
  const bg = new Float32Array(r);
  let numFg = 0;
  for (let i = 0; i < r; i++) {
    const c = labels[i]!;
    if (!Number.isInteger(c) || c < 0) throw new BalmsInputError(`labels[${i}] = ${c} is not a label ≥ 0`);
    if (c < k) {
      onehot[i * k + c] = 1;
      numFg++;
    } else bg[i] = 1;
  }
  return tf.tidy(() => {
    const perRoi = tf.reshape(tf.matMul(tf.tensor2d(onehot, [r, k]), tf.reshape(classWeights, [k, 1])), [r]);
    const scaled = numFg > 0 ? tf.div(perRoi, tf.div(tf.sum(perRoi), numFg)) : perRoi;
    return tf.add(scaled, tf.tensor1d(bg)) as tf.Tensor1D;
  });
}
