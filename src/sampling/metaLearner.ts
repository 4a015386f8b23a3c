/**
 * What the Meta Sampler and the Meta Reweighter share: the meta-step input and result types,
 * their checkpoint state, and small helpers (internal: not re-exported from the package).
 */
import type * as tf from '@tensorflow/tfjs';
import { BalmsInputError } from '../util/errors.js';
import type { AdamState, VectorAdam } from './adam.js';
import type { InnerStep, LabelledBatch, LinearClassifier } from './linearLookAhead.js';

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

export function setLearnerState(
  s: MetaLearnerState,
  kind: string,
  C: number,
  adam: VectorAdam,
  setW: (w: Float64Array) => void,
): void {
  if (!s || s.kind !== kind) throw new BalmsInputError(`state is for '${s?.kind}', expected '${kind}'`);
  if (!Array.isArray(s.logits) || s.logits.length !== C || s.logits.some((v) => !Number.isFinite(v))) {
    throw new BalmsInputError(`${kind} state: logits must be ${C} finite numbers`);
  }
  adam.setState(s.adam);
  setW(Float64Array.from(s.logits));
}
