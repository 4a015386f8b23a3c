/**
 * Seesaw loss (Wang et al., CVPR 2021) on a softmax classifier with C = K+1 outputs (last =
 * background), following mmdetection's `seesaw_ce_loss`:
 *
 *   σ̂_ij = e^{z_ij} / (Σ_{k≠j} S_ik e^{z_ik} + e^{z_ij}),  S_ij = M_ij · C_ij for j ≠ y_i
 *   M_ij = (N_j / N_{y_i})^p  if N_j < N_{y_i}, else 1          (mitigation; N = cumulative counts ≥ 1)
 *   C_ij = (σ_ij / max(σ_{i,y_i}, ε))^q  if that ratio > 1, else 1   (compensation; σ = softmax, no gradient)
 *
 * implemented as cross-entropy on z + log S (log S = 0 on the label column). The cumulative counts N (one per
 * output, background included) are state: each `loss` call first adds the batch's labels, as
 * mmdetection does. Unlike mmdetection's Seesaw head there is no separate objectness branch:
 * the background is one of the C classes (the RoI head has K+1 outputs).
 */
import * as tf from '@tensorflow/tfjs';
import { BalmsInputError } from '../util/errors.js';
import { checkLogitsAndLabels, checkWeights, reduceRows, type ReductionOptions } from './reduce.js';
import { softmaxCrossEntropyRows } from './softmaxCrossEntropy.js';

export interface SeesawOptions {
  /** Mitigation exponent p (default 0.8). */
  p?: number;
  /** Compensation exponent q (default 2). */
  q?: number;
  /** Floor on the ground-truth probability in the compensation ratio (default 1e-2). */
  eps?: number;
}

/** The Seesaw loss with its cumulative class counts. */
export class SeesawLoss {
  readonly numOutputs: number;
  readonly p: number;
  readonly q: number;
  readonly eps: number;
  private readonly cumCounts: Float64Array;

  /** @param numOutputs C = K+1 logit columns (background included) */
  constructor(numOutputs: number, opts: SeesawOptions = {}) {
    if (!(Number.isInteger(numOutputs) && numOutputs >= 2)) throw new BalmsInputError(`SeesawLoss: numOutputs must be an integer ≥ 2, got ${numOutputs}`);
    this.numOutputs = numOutputs;
    this.p = opts.p ?? 0.8;
    this.q = opts.q ?? 2;
    this.eps = opts.eps ?? 1e-2;
    if (!(Number.isFinite(this.p) && this.p >= 0)) throw new BalmsInputError(`SeesawLoss: p must be ≥ 0, got ${this.p}`);
    if (!(Number.isFinite(this.q) && this.q >= 0)) throw new BalmsInputError(`SeesawLoss: q must be ≥ 0, got ${this.q}`);
    if (!(this.eps > 0 && this.eps <= 1)) throw new BalmsInputError(`SeesawLoss: eps must be in (0, 1], got ${this.eps}`);
    this.cumCounts = new Float64Array(numOutputs);
  }

  /** The cumulative per-output counts seen so far (a copy). */
  getState(): { cumCounts: number[] } {
    return { cumCounts: Array.from(this.cumCounts) };
  }

  /** Restores counts saved by {@link getState} (e.g. from a checkpoint). */
  setState(state: { cumCounts: ArrayLike<number> }): void {
    if (state.cumCounts.length !== this.numOutputs) {
      throw new BalmsInputError(`SeesawLoss.setState: ${state.cumCounts.length} counts for ${this.numOutputs} outputs`);
    }
    for (let j = 0; j < this.numOutputs; j++) {
      const v = state.cumCounts[j]!;
      if (!(Number.isFinite(v) && v >= 0)) throw new BalmsInputError(`SeesawLoss.setState: cumCounts[${j}] = ${v} is not a count ≥ 0`);
      this.cumCounts[j] = v;
    }
  }

  /**
   * Updates the cumulative counts with `labels`, then returns the loss.
   * @param logits [N, C]; @param labels [N] int32 in [0, C)
   */
  loss(logits: tf.Tensor2D, labels: tf.Tensor1D, opts: ReductionOptions = {}): tf.Tensor {
    const fn = 'SeesawLoss';
    if (logits.rank === 2 && logits.shape[1] !== this.numOutputs) {
      throw new BalmsInputError(`${fn}: logits have ${logits.shape[1]} columns, expected ${this.numOutputs}`);
    }
    const lab = checkLogitsAndLabels(fn, logits, labels);
    checkWeights(fn, opts.weights, logits.shape[0]);
    for (let i = 0; i < lab.length; i++) this.cumCounts[lab[i]!]! += 1;
    const n = lab.length, c = this.numOutputs;
    const logN = new Float64Array(c);
    for (let j = 0; j < c; j++) logN[j] = Math.log(Math.max(1, this.cumCounts[j]!));
    // log S_ij for j ≠ y_i (0 on the label column), from the labels, the counts and the logits'
    // *values*: reading them back and building a new tensor is what detaches the compensation
    // factor from the gradient, as `.detach()` does in the reference.
    const xv = logits.dataSync() as Float32Array;
    const logS = new Float32Array(n * c);
    const { p, q, eps } = this;
    const logEps = Math.log(eps);
    for (let i = 0; i < n; i++) {
      const o = i * c, y = lab[i]!;
      let lse = 0;
      if (q > 0) {
        let m = -Infinity;
        for (let j = 0; j < c; j++) if (xv[o + j]! > m) m = xv[o + j]!;
        let s = 0;
        for (let j = 0; j < c; j++) s += Math.exp(xv[o + j]! - m);
        lse = m + Math.log(s);
      }
      const lsY = Math.max(xv[o + y]! - lse, logEps);
      for (let j = 0; j < c; j++) {
        if (j === y) continue;
        let v = 0;
        if (p > 0) v += p * Math.min(0, logN[j]! - logN[y]!); // mitigation
        if (q > 0) v += q * Math.max(0, xv[o + j]! - lse - lsY); // compensation
        logS[o + j] = v;
      }
    }
    return tf.tidy(() => {
      const adjusted = tf.add(logits, tf.tensor2d(logS, [n, c])) as tf.Tensor2D;
      return reduceRows(softmaxCrossEntropyRows(adjusted, lab), opts);
    });
  }
}
