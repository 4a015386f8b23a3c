/**
 * Balanced Softmax for a detection classifier with K foreground classes plus a background column
 * (detectron2 convention: logits [N, K+1], labels in [0, K], label K = background).
 *
 * The loss is softmax cross-entropy on `logits + log π`, where π is a prior over all K+1 outputs:
 *
 *   π_j  = (1 − f) · n_j / Σ_i n_i   for a foreground class j < K   (n = the K class counts)
 *   π_K  = f                          for the background
 *
 * f is the expected share of background RoIs in the RoI sampler's output, so the prior says what
 * the classifier actually sees in training: detectron2's sampler takes ≤ 25 % positives per
 * image (POSITIVE_FRACTION 0.25), hence f = 0.75. What the shift removes at test time is the
 * train/test prior *ratio*; the `background` modes differ in what test distribution they assume:
 *
 * - `{ mode: 'foreground' }` (default): balance the foreground classes only. The test prior is
 *   uniform over the K classes with the same background share as in training, so the ratio is
 *   K·n_j/Σn for class j and 1 for the background: logits + log(K·n_j/Σn), background + 0. Test-time
 *   softmax keeps its background/foreground calibration; on the demo dataset this is what makes
 *   stage 2 raise AP (the `fraction` form lowered it: it also pushes every foreground score up
 *   against the background).
 * - `{ mode: 'fraction', fraction }`: π as above against a test prior uniform over all K+1 outputs;
 *   the implied background prior softmax(log π)_K equals `fraction` exactly.
 * - `{ mode: 'count', count }`: the background is one more class with count n_bg, π_K =
 *   n_bg / (n_bg + Σ n). Same as `fraction` with f = n_bg / (n_bg + Σ n).
 * - `{ mode: 'none' }`: no background prior: the background logit is left unshifted (adds 0) and
 *   foreground logits get log(n_j / Σ n), the class prior given foreground. (Because softmax
 *   ignores a common shift, this equals `fraction` 0.5.)
 *
 * Only ratios of counts matter: multiplying every n_j by a constant changes nothing.
 */
import * as tf from '@tensorflow/tfjs';
import { BalmsInputError } from '../util/errors.js';
import { logCounts } from './balancedSoftmax.js';
import { checkLogitsAndLabels, checkWeights, reduceRows, type ReductionOptions } from './reduce.js';
import { softmaxCrossEntropyRows } from './softmaxCrossEntropy.js';

export type BackgroundPrior =
  | { mode: 'fraction'; fraction: number }
  | { mode: 'count'; count: number }
  | { mode: 'none' }
  | { mode: 'foreground' };

/** Balance the foreground classes, keep the background/foreground calibration (see the file comment). */
export const DEFAULT_BACKGROUND_PRIOR: BackgroundPrior = { mode: 'foreground' };

export interface DetectionBalancedSoftmaxOptions extends ReductionOptions {
  /** Default `{ mode: 'foreground' }`. */
  background?: BackgroundPrior;
  /** Added to every foreground count (needed when a count is 0). */
  smoothing?: number;
}

/**
 * log π over the K+1 outputs (see the file comment), float64. Throws `BalmsInputError` on
 * zero counts without smoothing and on an invalid background option.
 */
export function detectionLogPrior(
  classCounts: ArrayLike<number>,
  background: BackgroundPrior = DEFAULT_BACKGROUND_PRIOR,
  smoothing = 0,
  fn = 'detectionBalancedSoftmaxLoss',
): Float64Array {
  const k = classCounts.length;
  if (k === 0) throw new BalmsInputError(`${fn}: need at least one foreground class count`);
  const logN = logCounts(classCounts, smoothing, fn);
  // log Σ n, stably.
  let m = -Infinity;
  for (let j = 0; j < k; j++) m = Math.max(m, logN[j]!);
  let s = 0;
  for (let j = 0; j < k; j++) s += Math.exp(logN[j]! - m);
  const logTotal = m + Math.log(s);
  let logFg: number; // log(1 − f)
  let logBg: number; // log f
  switch (background?.mode) {
    case 'fraction': {
      const f = background.fraction;
      if (!(f > 0 && f < 1)) throw new BalmsInputError(`${fn}: background.fraction must be in (0, 1), got ${f}`);
      logFg = Math.log1p(-f);
      logBg = Math.log(f);
      break;
    }
    case 'count': {
      const c = background.count;
      if (!(Number.isFinite(c) && c > 0)) throw new BalmsInputError(`${fn}: background.count must be > 0, got ${c}`);
      const logC = Math.log(c);
      const mm = Math.max(logC, logTotal);
      const logAll = mm + Math.log(Math.exp(logC - mm) + Math.exp(logTotal - mm));
      logFg = logTotal - logAll;
      logBg = logC - logAll;
      break;
    }
    case 'none':
      logFg = 0;
      logBg = 0;
      break;
    case 'foreground':
      // Balance the foreground classes only: the train/test prior ratio is K·n_j/Σn for class j and
      // 1 for background, so test-time softmax keeps the background/foreground calibration.
      logFg = Math.log(k);
      logBg = 0;
      break;
    default:
      throw new BalmsInputError(
        `${fn}: background must be { mode: 'fraction' | 'count' | 'none' | 'foreground' }, got ${JSON.stringify(background)}`,
      );
  }
  const out = new Float64Array(k + 1);
  for (let j = 0; j < k; j++) out[j] = logN[j]! - logTotal + logFg;
  out[k] = logBg;
  return out;
}

/**
 * Balanced Softmax over K foreground classes + background.
 * @param logits [N, K+1] float32, last column = background
 * @param labels [N] int32 in [0, K], K = background
 * @param classCounts the K foreground counts (image or instance counts)
 * @param opts `background` prior (default `{ mode: 'foreground' }`), `smoothing`, `weights`, `reduction`
 */
export function detectionBalancedSoftmaxLoss(
  logits: tf.Tensor2D,
  labels: tf.Tensor1D,
  classCounts: ArrayLike<number>,
  opts: DetectionBalancedSoftmaxOptions = {},
): tf.Tensor {
  const fn = 'detectionBalancedSoftmaxLoss';
  const lab = checkLogitsAndLabels(fn, logits, labels);
  checkWeights(fn, opts.weights, logits.shape[0]);
  if (classCounts.length + 1 !== logits.shape[1]) {
    throw new BalmsInputError(
      `${fn}: ${classCounts.length} foreground counts need ${classCounts.length + 1} logit columns, got ${logits.shape[1]}`,
    );
  }
  const logPrior = detectionLogPrior(classCounts, opts.background ?? DEFAULT_BACKGROUND_PRIOR, opts.smoothing ?? 0, fn);
  return tf.tidy(() => reduceRows(softmaxCrossEntropyRows(logits, lab, logPrior), opts));
}
