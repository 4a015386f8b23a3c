/**
 * What the Meta Sampler, the Meta Reweighter and the Gumbel Meta Sampler share: one logit w_c per
 * class whose sigmoid is the learned rate or weight, the one-step look-ahead of the classifier on
 * the learner's training loss with its meta loss, Adam on w, and the checkpoint state — with the
 * meta-step input and result types.
 */
import type * as tf from '@tensorflow/tfjs';
import { balancedSoftmaxLoss } from '../losses/balancedSoftmax.js';
import { softmaxCrossEntropyLoss } from '../losses/softmaxCrossEntropy.js';
import type { InnerStep } from '../solver/innerStep.js';
import { BalmsInputError } from '../util/errors.js';
import { VectorAdam, type AdamOptions, type AdamState } from './adam.js';
import { linearLookAhead, type LabelledBatch, type LinearClassifier, type LookAheadResult, type RowLoss, type ScalarLoss } from './linearLookAhead.js';

/** One meta step's inputs: the classifier θ, the training batch, the meta batch, the inner SGD step. */
export interface MetaStepInput {
  classifier: LinearClassifier;
  /** Drawn with the current rates. Labels ≥ numClasses are background (constant weight). */
  train: LabelledBatch;
  /** Class-balanced, from the training set (e.g. `classBalancedSampler`). */
  meta: LabelledBatch;
  /** The classifier's own SGD settings (lr, momentum + buffer, weight decay). */
  step: InnerStep;
}

export interface MetaStepResult {
  /** L_meta(θ') before the update of w. */
  metaLoss: number;
  /** ∂L_meta(θ')/∂w. */
  gradient: Float64Array;
  /**
   * Meta Sampler with `{ trainGradient: true }`: the gradient of the unweighted training loss
   * (batch mean) at θ — the official real step's gradient, for `optimizer.applyGradients`.
   * The caller disposes it.
   */
  trainGradient?: LinearClassifier;
}

/** Checkpointable state of a meta learner. */
export interface MetaLearnerState {
  kind: string;
  logits: number[];
  adam: AdamState;
}

export function labelsOf(labels: tf.Tensor1D): Int32Array {
  return labels.dataSync() as Int32Array;
}

export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/** Per-row Balanced Softmax with class counts `counts`: the meta learners' default training loss. */
export function balancedSoftmaxRows(counts: Float64Array): RowLoss {
  return (z, y) => balancedSoftmaxLoss(z, y, counts, { reduction: 'none' }) as tf.Tensor1D;
}

/** Mean softmax cross-entropy: the meta learners' default meta loss (official BALMS). */
export const meanSoftmaxCrossEntropy: ScalarLoss = (z, y) => softmaxCrossEntropyLoss(z, y) as tf.Scalar;

export interface ClassLogitLearnerParts {
  /** The checkpoint state's `kind`. */
  kind: string;
  /** The initial w (its length is C). */
  logits: Float64Array;
  /** Adam on w; default lr 0.01 (as hard-coded upstream), betas (0.9, 0.999), eps 1e-8. */
  adam?: AdamOptions | undefined;
  trainLoss: RowLoss;
  metaLoss: ScalarLoss;
}

/** The shared base: w, Adam on it, the look-ahead with the learner's losses, the checkpoint state. */
export abstract class ClassLogitLearner {
  readonly numClasses: number;
  protected w: Float64Array;
  private readonly kind: string;
  private readonly adam: VectorAdam;
  private readonly trainLoss: RowLoss;
  private readonly metaLoss: ScalarLoss;

  protected constructor(parts: ClassLogitLearnerParts) {
    this.kind = parts.kind;
    this.numClasses = parts.logits.length;
    this.w = parts.logits;
    this.adam = new VectorAdam(this.numClasses, { lr: 0.01, ...parts.adam });
    this.trainLoss = parts.trainLoss;
    this.metaLoss = parts.metaLoss;
  }

  /** The learnable logits w. */
  logits(): Float64Array {
    return this.w.slice();
  }

  /** σ(w_c) per class. */
  protected sigmoidOfLogits(): Float64Array {
    return this.w.map(sigmoid);
  }

  /** The classifier's look-ahead on Σ_i A_i ℓ_i (A = `trainCoefficients`) and the meta loss after it. */
  protected lookAhead(input: MetaStepInput, trainCoefficients: Float64Array, returnTrainGradient = false): LookAheadResult {
    return linearLookAhead({
      classifier: input.classifier,
      train: input.train,
      trainCoefficients,
      meta: input.meta,
      trainLoss: this.trainLoss,
      metaLoss: this.metaLoss,
      step: input.step,
      returnTrainGradient,
    });
  }

  /** Adam on w with ∂L_meta/∂w. */
  protected adamStep(gradient: Float64Array): void {
    this.adam.step(this.w, gradient);
  }

  getState(): MetaLearnerState {
    return { kind: this.kind, logits: Array.from(this.w), adam: this.adam.getState() };
  }

  setState(s: MetaLearnerState): void {
    const { kind, numClasses: C } = this;
    if (!s || s.kind !== kind) throw new BalmsInputError(`state is for '${s?.kind}', expected '${kind}'`);
    if (!Array.isArray(s.logits) || s.logits.length !== C || s.logits.some((v) => !Number.isFinite(v))) {
      throw new BalmsInputError(`${kind} state: logits must be ${C} finite numbers`);
    }
    this.adam.setState(s.adam);
    this.w = Float64Array.from(s.logits);
  }
}
