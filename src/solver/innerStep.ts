/**
 * One SGD step on a linear classifier described by its settings, the contract between the solver's
 * `SgdMomentum` (which describes its own step with `innerStep`) and the meta learners' look-ahead
 * (src/meta/linearLookAhead.ts), which differentiates through it.
 */
import type * as tf from '@tensorflow/tfjs';
import { BalmsInputError } from '../util/errors.js';

/**
 * The classifier's SGD step: PyTorch `torch.optim.SGD` semantics (dampening 0), which is also the
 * solver's `SgdMomentum` (whose `innerStep` describes its own step in these terms).
 */
export interface InnerStep {
  lr: number;
  /** Coupled L2 weight decay of the weight `W` (default 0). */
  weightDecay?: number;
  /** Weight decay of the bias `b` (default `weightDecay`). */
  weightDecayBias?: number;
  momentum?: number;
  /** Nesterov momentum (default false). */
  nesterov?: boolean;
  /** The momentum buffers from the previous step (absent on the first step: buf = g). */
  momentumBuffer?: { weight: tf.Tensor2D; bias: tf.Tensor1D };
  /** Clip the raw gradient (W and b together) to this global L2 norm first (0 or absent: no clipping). */
  clipGradNorm?: number;
}

/** γ: how much of ∇L_train the step subtracts (θ' = θ̃ − γ·∇L_train). */
export function innerStepGain(step: InnerStep): number {
  const mu = step.momentum ?? 0;
  return step.nesterov && mu > 0 ? step.lr * (1 + mu) : step.lr;
}

/** Checks the inner step's settings. */
export function checkInnerStep(step: InnerStep): void {
  if (!(Number.isFinite(step.lr) && step.lr > 0)) throw new BalmsInputError(`inner step lr must be > 0, got ${step.lr}`);
  for (const k of ['weightDecay', 'weightDecayBias', 'momentum', 'clipGradNorm'] as const) {
    const v = step[k];
    if (v !== undefined && !(Number.isFinite(v) && v >= 0)) throw new BalmsInputError(`inner step ${k} must be ≥ 0, got ${v}`);
  }
}
