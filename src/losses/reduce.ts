/**
 * Shared plumbing for the classifier losses: input validation and the reduction of a
 * per-RoI loss vector to a scalar.
 */
import * as tf from '@tensorflow/tfjs';
import { BalmsInputError } from '../util/errors.js';

/** How a per-row loss vector is reduced: `mean` = Σ wᵢ·ℓᵢ / N (N = rows, not Σ w), `sum` = Σ wᵢ·ℓᵢ, `none` = the vector wᵢ·ℓᵢ. */
export type LossReduction = 'mean' | 'sum' | 'none';

export interface ReductionOptions {
  /** Per-row (per-RoI) weights, shape [N]; e.g. the Meta Reweighter's. Default all 1. */
  weights?: tf.Tensor1D;
  /** Default 'mean'. */
  reduction?: LossReduction;
}

/**
 * Checks logits [N, C] and int32 labels [N] with every label in [0, numLabels) and returns the
 * labels as a typed array. Reads the labels back (a few hundred ints), which is how a wrong
 * label becomes an error instead of a silently wrong loss.
 */
export function checkLogitsAndLabels(
  fn: string,
  logits: tf.Tensor,
  labels: tf.Tensor,
  numLabels: number = logits.shape[1] ?? 0,
): Int32Array {
  if (logits.rank !== 2) throw new BalmsInputError(`${fn}: logits must be 2-D [N, C], got shape [${logits.shape}]`);
  if (logits.dtype !== 'float32') throw new BalmsInputError(`${fn}: logits must be float32, got ${logits.dtype}`);
  if (labels.rank !== 1) throw new BalmsInputError(`${fn}: labels must be 1-D [N], got shape [${labels.shape}]`);
  if (labels.dtype !== 'int32') throw new BalmsInputError(`${fn}: labels must be int32, got ${labels.dtype}`);
  const n = logits.shape[0]!;
  if (labels.shape[0] !== n) {
    throw new BalmsInputError(`${fn}: labels has ${labels.shape[0]} entries but logits has ${n} rows`);
  }
  const lab = labels.dataSync() as Int32Array;
  for (let i = 0; i < lab.length; i++) {
    const y = lab[i]!;
    if (y < 0 || y >= numLabels) {
      throw new BalmsInputError(`${fn}: labels[${i}] = ${y} is outside [0, ${numLabels - 1}]`);
    }
  }
  return lab;
}

/** Checks per-row weights against N rows. */
export function checkWeights(fn: string, weights: tf.Tensor | undefined, n: number): void {
  if (!weights) return;
  if (weights.rank !== 1 || weights.shape[0] !== n) {
    throw new BalmsInputError(`${fn}: weights must have shape [${n}], got [${weights.shape}]`);
  }
  if (weights.dtype !== 'float32') throw new BalmsInputError(`${fn}: weights must be float32, got ${weights.dtype}`);
}

/** Applies the optional per-row weights and the reduction (see {@link LossReduction}). */
export function reduceRows(perRow: tf.Tensor1D, opts: ReductionOptions = {}): tf.Tensor {
  const reduction = opts.reduction ?? 'mean';
  const n = perRow.shape[0];
  // Σ wᵢℓᵢ as a [1,N]·[N,1] product: its gradient is a matMul too, whereas tf.sum's gradient is
  // a broadcasting multiply, which the cpu backend runs at ~1 µs per element.
  const dot = (scale: number) => {
    if (n === 0) return tf.scalar(0); // an empty batch contributes nothing, never NaN
    const w = opts.weights ? tf.reshape(opts.weights, [n, 1]) : tf.fill([n, 1], 1);
    const s = tf.reshape(tf.matMul(tf.reshape(perRow, [1, n]), w), []);
    return scale === 1 ? s : tf.mul(s, scale);
  };
  switch (reduction) {
    case 'none':
      return opts.weights ? tf.mul(perRow, opts.weights) : perRow;
    case 'sum':
      return dot(1);
    case 'mean':
      return dot(1 / n);
    default:
      throw new BalmsInputError(`unknown reduction '${String(reduction)}' (expected 'mean', 'sum' or 'none')`);
  }
}
