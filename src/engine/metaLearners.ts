/**
 * The BALMS meta learners wired to a detector's classifier in decoupled stage 2: per-row training
 * losses for the look-ahead (the configured classification loss, unreduced), the meta loss, and
 * the classifier as a linear layer on RoI features.
 */
import * as tf from '@tensorflow/tfjs';
import {
  DEFAULT_BACKGROUND_PRIOR,
  balancedSigmoidLoss,
  detectionLogPrior,
  sigmoidCrossEntropyLoss,
  softmaxCrossEntropyLoss,
  softmaxCrossEntropyRows,
  type ClassStats,
  type ClassifierLossConfig,
} from '../losses/index.js';
import { MetaReweighter, MetaSampler, type RowLoss, type ScalarLoss } from '../sampling/index.js';
import { BalmsInputError } from '../util/errors.js';
import type { TrainConfig } from './config/trainConfig.js';

function counts(stats: ClassStats, source: 'image_count' | 'instance_count' | undefined): ArrayLike<number> {
  return source === 'instance_count' ? stats.instanceCount : stats.imageCount;
}

/**
 * The unreduced (per-RoI) form of the configured classification loss, and the meta loss that goes
 * with its family: softmax CE on a class-balanced batch (softmax family, as the official
 * classification code) or sigmoid BCE (sigmoid family, as the official LVIS code).
 */
export function metaLosses(cfg: ClassifierLossConfig, stats: ClassStats): { trainLoss: RowLoss; metaLoss: ScalarLoss } {
  const softmaxMeta: ScalarLoss = (z, y) => softmaxCrossEntropyLoss(z, y) as tf.Scalar;
  const sigmoidMeta: ScalarLoss = (z, y) => sigmoidCrossEntropyLoss(z, y) as tf.Scalar;
  const shifted = (prior: ArrayLike<number> | null): RowLoss => {
    if (!prior) return (z, y) => softmaxCrossEntropyRows(z, y);
    const p = Float32Array.from(prior);
    return (z, y) => tf.tidy(() => softmaxCrossEntropyRows(tf.add(z, tf.tensor1d(p)) as tf.Tensor2D, y));
  };
  switch (cfg.type) {
    case 'softmax':
      return { trainLoss: shifted(null), metaLoss: softmaxMeta };
    case 'balanced_softmax':
      return {
        trainLoss: shifted(detectionLogPrior(counts(stats, cfg.countSource), cfg.background ?? DEFAULT_BACKGROUND_PRIOR, cfg.smoothing ?? 0, 'balanced_softmax')),
        metaLoss: softmaxMeta,
      };
    case 'logit_adjusted': {
      const prior = detectionLogPrior(counts(stats, cfg.countSource), cfg.background ?? DEFAULT_BACKGROUND_PRIOR, cfg.smoothing ?? 0, 'logit_adjusted');
      return { trainLoss: shifted(Array.from(prior, (v) => cfg.tau * v)), metaLoss: softmaxMeta };
    }
    case 'sigmoid':
      return { trainLoss: (z, y) => tf.tidy(() => tf.sum(sigmoidCrossEntropyLoss(z, y, { reduction: 'none' }), 1) as tf.Tensor1D), metaLoss: sigmoidMeta };
    case 'balanced_sigmoid':
      return {
        trainLoss: (z, y) =>
          tf.tidy(() => tf.sum(balancedSigmoidLoss(z, y, stats.imageCount, stats.numTrainImages, { reduction: 'none', smoothing: cfg.smoothing }), 1) as tf.Tensor1D),
        metaLoss: sigmoidMeta,
      };
    default:
      throw new BalmsInputError(
        `the meta learners support the losses softmax, balanced_softmax, logit_adjusted, sigmoid and balanced_sigmoid, not '${cfg.type}'`,
        { path: 'meta.type' },
      );
  }
}

export type StageTwoMetaLearner = MetaSampler | MetaReweighter;

/** The configured meta learner (or null for `meta.type = none`). */
export function createMetaLearner(cfg: TrainConfig, stats: ClassStats): StageTwoMetaLearner | null {
  if (cfg.meta.type === 'none') return null;
  const { trainLoss, metaLoss } = metaLosses(cfg.loss, stats);
  const adam = { lr: cfg.meta.lr };
  if (cfg.meta.type === 'meta_reweighter') {
    return new MetaReweighter({ numClasses: stats.imageCount.length, trainLoss, metaLoss, adam });
  }
  return new MetaSampler({ classCounts: stats.imageCount, initPow: cfg.meta.initPow, trainLoss, metaLoss, adam });
}
