/**
 * The BALMS meta learners as the decoupled stage-2 loop sees them: what a learner does before the
 * classifier step (its meta step on the look-ahead), what it adds to that step (per-RoI loss
 * weights), and what it changes between steps (the Meta Sampler's image repeat factors). The
 * look-ahead's training loss is the configured loss's own per-row form (`ClassifierLoss.rowLoss`)
 * and its meta loss follows the loss's family.
 */
import type * as tf from '@tensorflow/tfjs';
import { sigmoidCrossEntropyLoss, softmaxCrossEntropyLoss, type ClassifierFamily, type ClassifierLoss, type ClassStats } from '../losses/index.js';
import { MetaReweighter, MetaSampler, type MetaLearnerState, type MetaStepInput, type ScalarLoss } from '../meta/index.js';
import type { RepeatFactorOptions } from '../sampling/index.js';
import { BalmsInputError } from '../util/errors.js';
import type { TrainConfig } from './config/trainConfig.js';

/** What a meta learner may change in the training run between steps. */
export interface MetaLearnerRun {
  /** Replaces the training stream's image repeat factors from the next epoch on. */
  scheduleRepeatFactors(factors: ArrayLike<number>): void;
}

export interface StageTwoMetaLearner {
  readonly kind: 'meta_sampler' | 'meta_reweighter';
  /** Before the classifier step: one meta step (look-ahead on the meta batch, then Adam); returns L_meta(θ'). */
  beforeStep(input: MetaStepInput): number;
  /** What it adds to the classifier step: `[N]` per-RoI weights of the loss for these labels, or undefined (the caller disposes). */
  lossWeights(labels: tf.Tensor1D): tf.Tensor1D | undefined;
  /** After iteration `iteration` (1-based count of steps taken): what it changes between steps. */
  afterStep(iteration: number, run: MetaLearnerRun): void;
  getState(): MetaLearnerState;
  setState(state: MetaLearnerState): void;
}

/**
 * The meta loss that goes with a loss family: softmax CE on a class-balanced batch (softmax
 * family, as the official classification code) or sigmoid BCE (sigmoid family, as the official
 * LVIS code).
 */
export function metaLossFor(family: ClassifierFamily): ScalarLoss {
  return family === 'softmax'
    ? (z, y) => softmaxCrossEntropyLoss(z, y) as tf.Scalar
    : (z, y) => sigmoidCrossEntropyLoss(z, y) as tf.Scalar;
}

/** The configured meta learner (null for `meta.type = none`), on the loss the classifier trains with. */
export function createMetaLearner(
  cfg: TrainConfig,
  loss: ClassifierLoss,
  stats: ClassStats,
  imageClasses: readonly Int32Array[],
): StageTwoMetaLearner | null {
  if (cfg.meta.type === 'none') return null;
  const rowLoss = loss.rowLoss;
  if (!rowLoss) throw new BalmsInputError(`the meta learners need a loss with a per-row form, not '${loss.name}'`, { path: 'loss.type' });
  const trainLoss = (z: tf.Tensor2D, y: tf.Tensor1D) => rowLoss.call(loss, z, y);
  const metaLoss = metaLossFor(loss.family);
  const adam = { lr: cfg.meta.lr };
  if (cfg.meta.type === 'meta_reweighter') {
    const rw = new MetaReweighter({ numClasses: stats.imageCount.length, trainLoss, metaLoss, adam });
    return {
      kind: 'meta_reweighter',
      beforeStep: (input) => rw.step(input).metaLoss,
      lossWeights: (labels) => rw.roiWeightTensor(labels),
      afterStep: () => {},
      getState: () => rw.getState(),
      setState: (s) => rw.setState(s),
    };
  }
  const ms = new MetaSampler({ classCounts: stats.imageCount, initPow: cfg.meta.initPow, trainLoss, metaLoss, adam });
  const repeat: RepeatFactorOptions = { threshold: cfg.sampler.repeatThreshold, sqrt: cfg.sampler.repeatSqrt };
  return {
    kind: 'meta_sampler',
    beforeStep: (input) => ms.step(input).metaLoss,
    lossWeights: () => undefined,
    afterStep: (iteration, run) => {
      if (iteration % cfg.meta.refreshPeriod === 0) run.scheduleRepeatFactors(ms.imageRepeatFactors(imageClasses, repeat));
    },
    getState: () => ms.getState(),
    setState: (s) => ms.setState(s),
  };
}
