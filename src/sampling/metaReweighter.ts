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
import { balancedSoftmaxLoss } from '../losses/balancedSoftmax.js';
import { roiWeightsFromClassWeights } from '../losses/roiClassWeights.js';
import { softmaxCrossEntropyLoss } from '../losses/softmaxCrossEntropy.js';
import { BalmsInputError } from '../util/errors.js';
import { VectorAdam, type AdamOptions } from './adam.js';
import { classLogitGradient } from './classLogitGradient.js';
import { linearLookAhead, type RowLoss, type ScalarLoss } from './linearLookAhead.js';
import { labelsOf, setLearnerState, sigmoid, type MetaLearnerState, type MetaStepInput, type MetaStepResult } from './metaLearner.js';

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

export class MetaReweighter {
  readonly numClasses: number;
  private w: Float64Array;
  private readonly adam: VectorAdam;
  private readonly trainLoss: RowLoss;
  private readonly metaLoss: ScalarLoss;

  /** @example const rw = new MetaReweighter({ numClasses: 1230, trainLoss: mySigmoidBalancedRows }); */
  constructor(opts: MetaReweighterOptions) {
    if (!Number.isInteger(opts.numClasses) || opts.numClasses < 1) {
      throw new BalmsInputError(`MetaReweighter: numClasses must be an integer ≥ 1, got ${opts.numClasses}`);
    }
    this.numClasses = opts.numClasses;
    this.w = new Float64Array(this.numClasses); // σ(0) = 0.5, as upstream
    this.adam = new VectorAdam(this.numClasses, { lr: 0.01, ...opts.adam });
    if (opts.trainLoss) this.trainLoss = opts.trainLoss;
    else if (opts.classCounts) {
      const counts = Float64Array.from(opts.classCounts);
      this.trainLoss = (z, y) => balancedSoftmaxLoss(z, y, counts, { reduction: 'none' }) as tf.Tensor1D;
    } else throw new BalmsInputError('MetaReweighter: give trainLoss or classCounts (for the Balanced Softmax default)');
    this.metaLoss = opts.metaLoss ?? ((z, y) => softmaxCrossEntropyLoss(z, y) as tf.Scalar);
  }

  logits(): Float64Array {
    return this.w.slice();
  }

  /** σ(w_c) per class (before the per-batch renormalisation). */
  classWeights(): Float64Array {
    return this.w.map(sigmoid);
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
    const { metaLoss, alignment, stepGain } = linearLookAhead({
      classifier: input.classifier,
      train: input.train,
      trainCoefficients: coef,
      meta: input.meta,
      trainLoss: this.trainLoss,
      metaLoss: this.metaLoss,
      step: input.step,
    });
    const v = this.classWeights();
    const share = new Float64Array(this.numClasses);
    let s = 0;
    for (const y of labels) if (y < this.numClasses) { share[y]! += v[y]!; s += v[y]!; }
    if (s > 0) for (let c = 0; c < this.numClasses; c++) share[c]! /= s;
    return { metaLoss, gradient: classLogitGradient(labels, coef, alignment, v, share, stepGain) };
  }

  step(input: MetaStepInput): MetaStepResult {
    const r = this.metaGradient(input);
    this.adam.step(this.w, r.gradient);
    return r;
  }

  getState(): MetaLearnerState {
    return { kind: 'meta-reweighter', logits: Array.from(this.w), adam: this.adam.getState() };
  }

  setState(s: MetaLearnerState): void {
    setLearnerState(s, 'meta-reweighter', this.numClasses, this.adam, (w) => (this.w = w));
  }
}
