/**
 * Logit adjustment (Menon et al., ICLR 2021): the training loss adds τ·log π_j to the logits
 * (with τ = 1 this is Balanced Softmax), and post-hoc adjustment subtracts τ·log π_j at inference.
 */
import * as tf from '@tensorflow/tfjs';
import { BalmsInputError } from '../util/errors.js';
import { logCounts } from './balancedSoftmax.js';
import { checkLogitsAndLabels, checkWeights, reduceRows, type ReductionOptions } from './reduce.js';
import { softmaxCrossEntropyRows } from './softmaxCrossEntropy.js';

function checkTau(fn: string, tau: number): void {
  if (!Number.isFinite(tau)) throw new BalmsInputError(`${fn}: tau must be a finite number, got ${tau}`);
}

function scaledLogPriors(fn: string, priors: ArrayLike<number>, c: number, tau: number, sign: 1 | -1): Float64Array {
  if (priors.length !== c) throw new BalmsInputError(`${fn}: ${priors.length} priors for ${c} logit columns`);
  const logP = logCounts(priors, 0, fn);
  // Normalise so the shift is τ·log π with Σπ = 1 (irrelevant to softmax, but it makes the
  // adjusted logits of adjustLogits comparable across count scales).
  let m = -Infinity;
  for (const v of logP) m = Math.max(m, v);
  let s = 0;
  for (const v of logP) s += Math.exp(v - m);
  const logZ = m + Math.log(s);
  return logP.map((v) => sign * tau * (v - logZ));
}

/**
 * Logit-adjusted softmax cross-entropy: CE on `logits + τ·log π`.
 * @param priors class priors or counts (normalised internally), one per logit column; zero is an error
 */
export function logitAdjustedLoss(
  logits: tf.Tensor2D,
  labels: tf.Tensor1D,
  priors: ArrayLike<number>,
  tau = 1,
  opts: ReductionOptions = {},
): tf.Tensor {
  const fn = 'logitAdjustedLoss';
  const lab = checkLogitsAndLabels(fn, logits, labels);
  checkWeights(fn, opts.weights, logits.shape[0]);
  checkTau(fn, tau);
  const shift = scaledLogPriors(fn, priors, logits.shape[1], tau, 1);
  return tf.tidy(() => reduceRows(softmaxCrossEntropyRows(logits, lab, shift), opts));
}

/**
 * Post-hoc logit adjustment for inference: `logits − τ·log π` (π = priors normalised to sum 1).
 * For a softmax-trained classifier, argmax of the result with τ = 1 is the balanced-error decision.
 */
export function adjustLogits(logits: tf.Tensor2D, priors: ArrayLike<number>, tau = 1): tf.Tensor2D {
  const fn = 'adjustLogits';
  if (logits.rank !== 2) throw new BalmsInputError(`${fn}: logits must be 2-D [N, C], got shape [${logits.shape}]`);
  checkTau(fn, tau);
  const shift = scaledLogPriors(fn, priors, logits.shape[1], tau, -1);
  return tf.tidy(() => tf.add(logits, tf.tensor1d(Float32Array.from(shift))) as tf.Tensor2D);
}
