/**
 * The Meta Reweighter of the official BALMS LVIS code: a weight σ(w_c) per class multiplies the
 * per-RoI loss of every foreground RoI, renormalised to mean 1 over the foreground RoIs of the
 * batch (background RoIs keep weight 1):
 *     a_i = N_fg · σ(w_{y_i}) / Σ_{j fg} σ(w_{y_j}),     L_train = (1/N) Σ_i a_i ℓ_i.
 * Learned like the Meta Sampler: one look-ahead step of the classifier on L_train, the meta loss
 * on a class-balanced meta batch from the training set, Adam (lr 0.01, as hard-coded upstream).
 * Here ∂A_i/∂w_c = A_i (1 − σ_c)([y_i = c] − P_c) with P_c = m_c σ_c / Σ_{j fg} σ(w_{y_j}),
 * m_c = the number of foreground RoIs of class c in the batch.
 */
import * as tf from '@tensorflow/tfjs';
import { roiWeightsFromClassWeights } from '../losses/roiClassWeights.js';
import { BalmsInputError } from '../util/errors.js';
import type { AdamOptions } from './adam.js';
import { classLogitGradient } from './classLogitGradient.js';
import type { RowLoss, ScalarLoss } from './linearLookAhead.js';
import { balancedSoftmaxRows, ClassLogitLearner, labelsOf, meanSoftmaxCrossEntropy, type MetaStepInput, type MetaStepResult } from './metaLearner.js';

export interface MetaReweighterOptions {
  /** C; labels ≥ C are background. */
  numClasses: number;
  /** Adam on w; default lr 0.01. */
  adam?: AdamOptions;
  /** Per-row training loss. Default: Balanced Softmax with `classCounts` (then required). */
  trainLoss?: RowLoss;
  classCounts?: ArrayLike<number>;
  /** Meta loss; default mean softmax cross-entropy. */
  metaLoss?: ScalarLoss;
}

export class MetaReweighter extends ClassLogitLearner {
  /** @example const rw = new MetaReweighter({ numClasses: 1230, trainLoss: mySigmoidBalancedRows }); */
  constructor(opts: MetaReweighterOptions) {
    if (!Number.isInteger(opts.numClasses) || opts.numClasses < 1) {
      throw new BalmsInputError(`MetaReweighter: numClasses must be an integer ≥ 1, got ${opts.numClasses}`);
    }
    let trainLoss: RowLoss;
    if (opts.trainLoss) trainLoss = opts.trainLoss;
    else if (opts.classCounts) trainLoss = balancedSoftmaxRows(Float64Array.from(opts.classCounts));
    else throw new BalmsInputError('MetaReweighter: give trainLoss or classCounts (for the Balanced Softmax default)');
    // σ(0) = 0.5, as upstream
    super({ kind: 'meta-reweighter', logits: new Float64Array(opts.numClasses), adam: opts.adam, trainLoss, metaLoss: opts.metaLoss ?? meanSoftmaxCrossEntropy });
  }

  /** σ(w_c) per class (before the per-batch renormalisation). */
  classWeights(): Float64Array {
    return this.sigmoidOfLogits();
  }

  /** a_i for a batch's labels: foreground renormalised to mean 1, background 1 (`roiWeightsFromClassWeights`). */
  roiWeights(labels: ArrayLike<number>): Float32Array {
    const t = this.roiWeightTensor(labels);
    const out = t.dataSync() as Float32Array;
    t.dispose();
    return out;
  }

  /** `roiWeights` as a [N] tensor, for a loss's `weights` option. */
  roiWeightTensor(labels: tf.Tensor1D | ArrayLike<number>): tf.Tensor1D {
    const v = tf.tensor1d(Float32Array.from(this.classWeights()));
    try {
      return roiWeightsFromClassWeights(v, labels instanceof tf.Tensor ? labelsOf(labels) : labels);
    } finally {
      v.dispose();
    }
  }

  metaGradient(input: MetaStepInput): MetaStepResult {
    const labels = labelsOf(input.train.labels);
    const N = labels.length;
    if (N === 0) throw new BalmsInputError('MetaReweighter: empty training batch');
    const a = this.roiWeights(labels);
    const coef = new Float64Array(N);
    for (let i = 0; i < N; i++) coef[i] = a[i]! / N;
    const { metaLoss, alignment, stepGain } = this.lookAhead(input, coef);
    const v = this.classWeights();
    const share = new Float64Array(this.numClasses);
    let s = 0;
    for (const y of labels) if (y < this.numClasses) { share[y]! += v[y]!; s += v[y]!; }
    if (s > 0) for (let c = 0; c < this.numClasses; c++) share[c]! /= s;
    return { metaLoss, gradient: classLogitGradient(labels, coef, alignment, v, share, stepGain) };
  }

  step(input: MetaStepInput): MetaStepResult {
    const r = this.metaGradient(input);
    this.adamStep(r.gradient);
    return r;
  }
}
