/**
 * Softmax cross-entropy from logits with integer labels, numerically stable (log-sum-exp via
 * `tf.logSoftmax`, which subtracts the row max) and differentiable on every backend (the label
 * logit is picked with a one-hot product, not `gather`, whose gradient wasm lacks).
 */
import * as tf from '@tensorflow/tfjs';
import { checkLogitsAndLabels, checkWeights, reduceRows, type ReductionOptions } from './reduce.js';

export type SoftmaxCrossEntropyOptions = ReductionOptions;

/** Per-row −log softmax(logits)[y]; shape [N]. No validation: callers validate. */
export function softmaxCrossEntropyRows(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const c = logits.shape[1];
    const oneHot = tf.oneHot(labels, c, 1, 0, 'float32');
    return tf.neg(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), 1)) as tf.Tensor1D;
  });
}

/**
 * Cross-entropy `ℓᵢ = logsumexp(logitsᵢ) − logitsᵢ[yᵢ]`.
 * @param logits [N, C] float32
 * @param labels [N] int32 in [0, C)
 * @param opts per-row weights and reduction; `mean` is Σ wᵢℓᵢ / N.
 * @returns a scalar (or [N] with `reduction: 'none'`)
 */
export function softmaxCrossEntropyLoss(
  logits: tf.Tensor2D,
  labels: tf.Tensor1D,
  opts: SoftmaxCrossEntropyOptions = {},
): tf.Tensor {
  checkLogitsAndLabels('softmaxCrossEntropyLoss', logits, labels);
  checkWeights('softmaxCrossEntropyLoss', opts.weights, logits.shape[0]);
  return tf.tidy(() => reduceRows(softmaxCrossEntropyRows(logits, labels), opts));
}
