/**
 * Softmax cross-entropy from logits with integer labels.
 *
 * The per-row loss is one fused op (`tf.customGrad`) whose forward and backward are single
 * passes over typed arrays in float64: ℓᵢ = logsumexp(zᵢ) − z_{i,yᵢ} with zᵢ = logitsᵢ + shift
 * (log-sum-exp subtracts the row max, so it is stable for any finite logits), and
 * ∂ℓᵢ/∂logits_ij = softmax(zᵢ)_j − [j = yᵢ]. Why not `tf.logSoftmax`: on the cpu backend its
 * broadcasting Sub/Mul kernels take ~0.5 µs per element, so the loss alone would cost more than
 * a 512×1024×1205 FC layer's matMul; a constant prior `shift` (Balanced Softmax, logit adjustment)
 * is folded into the same pass, so it costs nothing extra. The gradient is differentiable
 * w.r.t. the upstream gradient (so w.r.t. per-row weights: meta-reweighting hypergradients work)
 * but not again w.r.t. the logits (no Hessian).
 */
import * as tf from '@tensorflow/tfjs';
import { BalmsInputError } from '../util/errors.js';
import { checkLogitsAndLabels, checkWeights, reduceRows, type ReductionOptions } from './reduce.js';

export type SoftmaxCrossEntropyOptions = ReductionOptions;

/**
 * Per-row −log softmax(logits + shift)[y]; shape [N]: the building block of every softmax-family
 * loss here. `shift` is an optional per-column constant of length C (a log prior: pass it here
 * rather than adding a tensor, it is free in this kernel). Labels must be in [0, C).
 */
export function softmaxCrossEntropyRows(
  logits: tf.Tensor2D,
  labels: tf.Tensor1D | Int32Array,
  shift: Float64Array | null = null,
): tf.Tensor1D {
  const [n, c] = logits.shape;
  const lab = labels instanceof Int32Array ? labels : (labels.dataSync() as Int32Array);
  const fn = 'softmaxCrossEntropyRows';
  if (lab.length !== n) throw new BalmsInputError(`${fn}: ${lab.length} labels for ${n} rows`);
  if (shift && shift.length !== c) throw new BalmsInputError(`${fn}: shift has ${shift.length} entries for ${c} columns`);
  for (let i = 0; i < n; i++) {
    if (!(lab[i]! >= 0 && lab[i]! < c)) throw new BalmsInputError(`${fn}: labels[${i}] = ${lab[i]} is outside [0, ${c - 1}]`);
  }
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const x = args[0] as tf.Tensor2D;
    const xv = x.dataSync() as Float32Array;
    const loss = new Float32Array(n);
    // softmax(z) is kept for the backward pass (as float32, like any saved activation).
    const prob = new Float32Array(n * c);
    // One code path with or without a prior: plain CE adds a zero shift.
    const sh = shift ?? new Float64Array(c);
    for (let i = 0; i < n; i++) {
      const o = i * c;
      let m = -Infinity;
      for (let j = 0; j < c; j++) {
        const z = xv[o + j]! + sh[j]!;
        if (z > m) m = z;
      }
      let s = 0;
      for (let j = 0; j < c; j++) {
        const e = Math.exp(xv[o + j]! + sh[j]! - m);
        prob[o + j] = e;
        s += e;
      }
      const inv = 1 / s;
      for (let j = 0; j < c; j++) prob[o + j]! *= inv;
      const y = lab[i]!;
      loss[i] = m + Math.log(s) - (xv[o + y]! + sh[y]!);
    }
    return {
      value: tf.tensor1d(loss),
      // dℓ/dlogits = dy[:, None] · (softmax(z) − onehot). The product with dy is made of tensor
      // ops so that it stays differentiable w.r.t. dy, i.e. w.r.t. per-row weights (a meta
      // reweighter's hypergradient through one SGD step); dy is spread over the columns by a
      // [N,1]·[1,C] matMul because the cpu backend's broadcasting multiply is slow.
      gradFunc: (dy: tf.Tensor) => {
        const gv = prob.slice(); // keep prob intact should the op be differentiated twice
        for (let i = 0; i < n; i++) gv[i * c + lab[i]!]! -= 1;
        const g = tf.tensor2d(gv, [n, c]);
        return tf.mul(g, tf.matMul(tf.reshape(dy, [n, 1]), tf.ones([1, c])));
      },
    };
  });
  return op(logits) as tf.Tensor1D;
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
  const lab = checkLogitsAndLabels('softmaxCrossEntropyLoss', logits, labels);
  checkWeights('softmaxCrossEntropyLoss', opts.weights, logits.shape[0]);
  return tf.tidy(() => reduceRows(softmaxCrossEntropyRows(logits, lab), opts));
}
