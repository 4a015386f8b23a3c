/**
 * Balanced Softmax (Ren et al., NeurIPS 2020): cross-entropy on `logits + log n_j`, where n_j is
 * the training count of class j. Equivalent to −log φ̂_y with φ̂_j = n_j e^{η_j} / Σ_i n_i e^{η_i}.
 * Only during training: at test time the classifier uses plain softmax on the logits.
 */
import * as tf from '@tensorflow/tfjs';
import { BalmsInputError } from '../util/errors.js';
import { checkLogitsAndLabels, checkWeights, reduceRows, type ReductionOptions } from './reduce.js';
import { softmaxCrossEntropyRows } from './softmaxCrossEntropy.js';

export interface BalancedSoftmaxOptions extends ReductionOptions {
  /** Added to every count before the log (e.g. 1); without it a zero count is an error. */
  smoothing?: number;
}

/**
 * log(n_j + smoothing) for every class, as float64 numbers. Throws `BalmsInputError` on a
 * negative or non-finite count, and on a zero count when no positive `smoothing` is given
 * (log 0 = −inf would make the loss infinite for that class).
 */
export function logCounts(
  counts: ArrayLike<number>,
  smoothing = 0,
  fn = 'balancedSoftmaxLoss',
): Float64Array {
  if (!Number.isFinite(smoothing) || smoothing < 0) {
    throw new BalmsInputError(`${fn}: smoothing must be a finite number ≥ 0, got ${smoothing}`);
  }
  const out = new Float64Array(counts.length);
  for (let j = 0; j < counts.length; j++) {
    const n = counts[j]!;
    if (!Number.isFinite(n) || n < 0) {
      throw new BalmsInputError(`${fn}: classCounts[${j}] = ${n} is not a finite count ≥ 0`);
    }
    const s = n + smoothing;
    if (s <= 0) {
      throw new BalmsInputError(
        `${fn}: classCounts[${j}] is 0, so log(count) = −∞ and class ${j} could never be predicted in training; ` +
          `pass { smoothing } (added to every count, e.g. 1) or drop the class`,
      );
    }
    out[j] = Math.log(s);
  }
  return out;
}

/**
 * Balanced Softmax loss: softmax cross-entropy on `logits + log(classCounts + smoothing)`.
 * @param logits [N, C] float32
 * @param labels [N] int32 in [0, C)
 * @param classCounts C training counts (raw counts: only their ratios matter)
 * @param opts `smoothing`, per-row `weights`, `reduction` (default mean over N)
 *
 * @example
 * const loss = balancedSoftmaxLoss(logits, labels, [5000, 500, 50]);
 */
export function balancedSoftmaxLoss(
  logits: tf.Tensor2D,
  labels: tf.Tensor1D,
  classCounts: ArrayLike<number>,
  opts: BalancedSoftmaxOptions = {},
): tf.Tensor {
  const fn = 'balancedSoftmaxLoss';
  const lab = checkLogitsAndLabels(fn, logits, labels);
  checkWeights(fn, opts.weights, logits.shape[0]);
  if (classCounts.length !== logits.shape[1]) {
    throw new BalmsInputError(`${fn}: ${classCounts.length} class counts for ${logits.shape[1]} logit columns`);
  }
  const logN = logCounts(classCounts, opts.smoothing ?? 0, fn);
  return tf.tidy(() => reduceRows(softmaxCrossEntropyRows(logits, lab, logN), opts));
}

/** Which LVIS category statistic serves as the class count. */
export type CountSource = 'image_count' | 'instance_count';

/**
 * Per-class counts from LVIS-style categories (`{ image_count, instance_count }`), in the order
 * given (sort by id first if your contiguous class index follows id order).
 */
export function classCountsFromCategories(
  categories: ReadonlyArray<{ id?: number; image_count?: number; instance_count?: number }>,
  source: CountSource = 'image_count',
): Float64Array {
  if (source !== 'image_count' && source !== 'instance_count') {
    throw new BalmsInputError(`classCountsFromCategories: unknown count source '${String(source)}'`);
  }
  const out = new Float64Array(categories.length);
  categories.forEach((c, i) => {
    const v = c[source];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new BalmsInputError(`must be a count ≥ 0, got ${JSON.stringify(v)}`, {
        path: `categories[${i}].${source}`,
      });
    }
    out[i] = v;
  });
  return out;
}
