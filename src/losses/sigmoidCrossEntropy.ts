/**
 * The sigmoid family for a detection classifier: K logits per RoI (no background column),
 * labels in [0, K] with K = background, whose binary target row is all zeros. Every loss here is
 * binary cross-entropy summed over the K classes, then reduced over RoIs (mean = / N RoIs), as in
 * the official LVIS BALMS and EQL code.
 */
import * as tf from '@tensorflow/tfjs';
import { BalmsInputError } from '../util/errors.js';
import { checkLogitsAndLabels, checkWeights, reduceRows, type ReductionOptions } from './reduce.js';

/**
 * One-hot targets [N, K] for labels in [0, K]; a background row (label K) is all zeros. Built in
 * JS: the wasm backend's OneHot kernel ignores a float32 dtype and writes int32 bit patterns.
 */
export function binaryTargets(labels: Int32Array, k: number): tf.Tensor2D {
  const t = new Float32Array(labels.length * k);
  for (let i = 0; i < labels.length; i++) if (labels[i]! < k) t[i * k + labels[i]!] = 1;
  return tf.tensor2d(t, [labels.length, k]);
}

/** Elementwise BCE with logits, stable for any x: softplus(x) − t·x = max(x,0) − t·x + log(1 + e^{−|x|}). */
export function binaryCrossEntropyElementwise(logits: tf.Tensor, targets: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.sub(tf.softplus(logits), tf.mul(targets, logits)));
}

/**
 * The [N, K] float32 matrix fg_i · v_j (fg_i = 1 for a foreground row, label < K), built in one
 * pass: the cpu backend's broadcasting multiply costs ~0.5 µs per element, this ~1 ns.
 */
export function foregroundRowsTimes(labels: Int32Array, v: ArrayLike<number>): tf.Tensor2D {
  const n = labels.length, k = v.length;
  const out = new Float32Array(n * k);
  for (let i = 0; i < n; i++) if (labels[i]! < k) for (let j = 0; j < k; j++) out[i * k + j] = v[j]!;
  return tf.tensor2d(out, [n, k]);
}

/** Validates sigmoid-family inputs; returns labels as Int32Array. */
export function checkSigmoidInputs(fn: string, logits: tf.Tensor2D, labels: tf.Tensor1D, opts: ReductionOptions): Int32Array {
  const lab = checkLogitsAndLabels(fn, logits, labels, logits.shape[1] + 1);
  checkWeights(fn, opts.weights, logits.shape[0]);
  return lab;
}

/** Sums an elementwise [N, K] loss over classes and reduces over rows. */
export function reduceElementwise(elem: tf.Tensor, opts: ReductionOptions): tf.Tensor {
  return reduceRows(tf.sum(elem, 1) as tf.Tensor1D, opts);
}

/**
 * Plain sigmoid BCE over K classes (the LVIS baseline): Σ_j BCE(x_ij, t_ij) / N.
 * @param logits [N, K]; @param labels [N] int32 in [0, K], K = background
 */
export function sigmoidCrossEntropyLoss(logits: tf.Tensor2D, labels: tf.Tensor1D, opts: ReductionOptions = {}): tf.Tensor {
  const lab = checkSigmoidInputs('sigmoidCrossEntropyLoss', logits, labels, opts);
  return tf.tidy(() =>
    reduceElementwise(binaryCrossEntropyElementwise(logits, binaryTargets(lab, logits.shape[1])), opts),
  );
}

/**
 * log(f_j / (1 − f_j)) with f_j = imageCount_j / numTrainImages: the official LVIS BALMS shift.
 * Throws `BalmsInputError` unless 0 < imageCount_j + smoothing < numTrainImages.
 */
export function balancedSigmoidShift(
  imageCounts: ArrayLike<number>,
  numTrainImages: number,
  smoothing = 0,
  fn = 'balancedSigmoidLoss',
): Float64Array {
  if (!(Number.isFinite(numTrainImages) && numTrainImages > 0)) {
    throw new BalmsInputError(`${fn}: numTrainImages must be > 0, got ${numTrainImages}`);
  }
  const out = new Float64Array(imageCounts.length);
  for (let j = 0; j < imageCounts.length; j++) {
    const c = imageCounts[j]! + smoothing;
    if (!(Number.isFinite(c) && c > 0 && c < numTrainImages)) {
      throw new BalmsInputError(
        `${fn}: imageCounts[${j}] = ${imageCounts[j]} gives frequency ${c}/${numTrainImages}, which must be in (0, 1)` +
          (c <= 0 ? ' (a zero count needs { smoothing })' : ''),
      );
    }
    const f = c / numTrainImages;
    out[j] = Math.log(f) - Math.log1p(-f);
  }
  return out;
}

export interface BalancedSigmoidOptions extends ReductionOptions {
  /** Added to every image count (needed when a count is 0). */
  smoothing?: number;
}

/**
 * Balanced sigmoid, the official LVIS BALMS form (`projects/BALMS/balms/fast_rcnn.py`): for
 * foreground RoIs every class logit is shifted by −log((1 − f_j)/f_j) = log(f_j/(1 − f_j)),
 * f_j = imageCount_j / numTrainImages; background RoIs are not shifted (target all zeros); BCE
 * summed over the K classes, / N RoIs.
 */
export function balancedSigmoidLoss(
  logits: tf.Tensor2D,
  labels: tf.Tensor1D,
  imageCounts: ArrayLike<number>,
  numTrainImages: number,
  opts: BalancedSigmoidOptions = {},
): tf.Tensor {
  const fn = 'balancedSigmoidLoss';
  const lab = checkSigmoidInputs(fn, logits, labels, opts);
  const k = logits.shape[1];
  if (imageCounts.length !== k) throw new BalmsInputError(`${fn}: ${imageCounts.length} image counts for ${k} logit columns`);
  const shift = balancedSigmoidShift(imageCounts, numTrainImages, opts.smoothing ?? 0, fn);
  return tf.tidy(() => {
    const shifted = tf.add(logits, foregroundRowsTimes(lab, shift));
    return reduceElementwise(binaryCrossEntropyElementwise(shifted, binaryTargets(lab, k)), opts);
  });
}
