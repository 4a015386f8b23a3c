/**
 * Class-balanced loss (Cui et al., CVPR 2019): each RoI's loss is weighted by the inverse
 * effective number of its class, w_j = (1 − β) / (1 − β^{n_j}), normalised so Σ_{j<K} w_j = K.
 * Background RoIs (label K) get weight 1. The base loss is softmax CE over K+1 logits, or
 * sigmoid BCE / sigmoid focal over K logits; reduction mean = Σ wᵢℓᵢ / N (the per-RoI weight
 * multiplies every class term of that RoI, as in the official code's sigmoid/focal variants).
 */
import * as tf from '@tensorflow/tfjs';
import { BalmsInputError } from '../util/errors.js';
import { focalElementwise, checkFocalParams } from './focal.js';
import { checkLogitsAndLabels, checkWeights, reduceRows, type ReductionOptions } from './reduce.js';
import { binaryCrossEntropyElementwise, binaryTargets, checkSigmoidInputs } from './sigmoidCrossEntropy.js';
import { softmaxCrossEntropyRows } from './softmaxCrossEntropy.js';

export type ClassBalancedBase = 'softmax' | 'sigmoid' | 'focal';

export interface ClassBalancedOptions extends ReductionOptions {
  /** β ∈ [0, 1); 0 = no reweighting, → 1 = inverse counts. Default 0.999. */
  beta?: number;
  /** Default 'softmax'. */
  base?: ClassBalancedBase;
  /** Focal γ for base 'focal' (default 2). */
  gamma?: number;
  /** Focal α for base 'focal' (default null: the class-balanced weight replaces α, as in the paper). */
  alpha?: number | null;
  /** Base 'softmax' has a background column K (detection, the default) or none (K-way image classification). */
  background?: boolean;
}

/**
 * Per-class weights (1 − β)/(1 − β^{n_j}), normalised to sum to K; float64. A zero count is an
 * error (infinite weight) unless β = 0.
 */
export function classBalancedWeights(counts: ArrayLike<number>, beta: number, fn = 'classBalancedLoss'): Float64Array {
  if (!(beta >= 0 && beta < 1)) throw new BalmsInputError(`${fn}: beta must be in [0, 1), got ${beta}`);
  const k = counts.length;
  const w = new Float64Array(k);
  let sum = 0;
  for (let j = 0; j < k; j++) {
    const n = counts[j]!;
    if (!(Number.isFinite(n) && n >= 0)) throw new BalmsInputError(`${fn}: classCounts[${j}] = ${n} is not a count ≥ 0`);
    if (beta === 0) w[j] = 1;
    else {
      if (n === 0) throw new BalmsInputError(`${fn}: classCounts[${j}] is 0: its effective number is 0 (infinite weight)`);
      // 1 − β^n = −expm1(n·ln β), accurate for β near 1.
      w[j] = (1 - beta) / -Math.expm1(n * Math.log(beta));
    }
    sum += w[j]!;
  }
  for (let j = 0; j < k; j++) w[j] = (w[j]! * k) / sum;
  return w;
}

/**
 * Class-balanced loss. `logits` is [N, K+1] for base 'softmax' and [N, K] for 'sigmoid'/'focal';
 * labels in [0, K], K = background; `classCounts` are the K foreground counts.
 */
export function classBalancedLoss(
  logits: tf.Tensor2D,
  labels: tf.Tensor1D,
  classCounts: ArrayLike<number>,
  opts: ClassBalancedOptions = {},
): tf.Tensor {
  const fn = 'classBalancedLoss';
  const base = opts.base ?? 'softmax';
  const k = classCounts.length;
  let lab: Int32Array;
  if (base === 'softmax') {
    const cols = opts.background === false ? k : k + 1;
    if (logits.shape[1] !== cols) throw new BalmsInputError(`${fn}: base 'softmax' needs ${cols} logit columns, got ${logits.shape[1]}`);
    lab = checkLogitsAndLabels(fn, logits, labels);
    checkWeights(fn, opts.weights, logits.shape[0]);
  } else if (base === 'sigmoid' || base === 'focal') {
    if (logits.shape[1] !== k) throw new BalmsInputError(`${fn}: base '${base}' needs ${k} logit columns, got ${logits.shape[1]}`);
    lab = checkSigmoidInputs(fn, logits, labels, opts);
  } else {
    throw new BalmsInputError(`${fn}: unknown base '${String(base)}' (expected 'softmax', 'sigmoid' or 'focal')`);
  }
  const gamma = opts.gamma ?? 2;
  const alpha = opts.alpha === undefined ? null : opts.alpha;
  if (base === 'focal') checkFocalParams(fn, gamma, alpha);
  const cw = classBalancedWeights(classCounts, opts.beta ?? 0.999, fn);
  const rowW = new Float32Array(lab.length);
  for (let i = 0; i < lab.length; i++) rowW[i] = lab[i]! < k ? cw[lab[i]!]! : 1;
  return tf.tidy(() => {
    let rows: tf.Tensor1D;
    if (base === 'softmax') rows = softmaxCrossEntropyRows(logits, lab);
    else {
      const t = binaryTargets(lab, k);
      const elem = base === 'sigmoid' ? binaryCrossEntropyElementwise(logits, t) : focalElementwise(logits, t, gamma, alpha);
      rows = tf.sum(elem, 1) as tf.Tensor1D;
    }
    const w = opts.weights ? tf.mul(tf.tensor1d(rowW), opts.weights) : tf.tensor1d(rowW);
    return reduceRows(rows, { reduction: opts.reduction, weights: w as tf.Tensor1D });
  });
}
