/** Builds the detector and its classification loss from a training config and class statistics. */
import { createClassifierLoss, isSoftmaxFamily, usesSampledCounts, type ClassStats, type ClassifierLoss } from '../losses/index.js';
import { Detector } from '../modeling/index.js';
import { sampledClassCounts } from '../sampling/index.js';
import { buildTrainSampler } from './buildSampler.js';
import type { TrainConfig } from './config/trainConfig.js';
import { runSeed } from './runSeeds.js';

/** Prior probability of the sigmoid family's initial class bias (RetinaNet / official LVIS: 0.01 / 0.001). */
const SIGMOID_PRIOR = 0.01;

export interface BuiltModel {
  detector: Detector;
  loss: ClassifierLoss;
  /** The class statistics the loss's prior was built from (the dataset's, or as sampled). */
  lossStats: ClassStats;
}

/**
 * The class statistics a loss's prior is built from: the dataset's, or — with
 * `loss.priorCounts: 'sampled'` — the image counts as the configured training sampler draws
 * them (needs the training images' class sets).
 */
export function lossClassStats(cfg: TrainConfig, stats: ClassStats, imageClasses?: readonly Int32Array[]): ClassStats {
  if (!usesSampledCounts(cfg.loss)) return stats;
  if (!imageClasses) throw new Error('bug: loss.priorCounts "sampled" needs the training images\' classes');
  const k = stats.imageCount.length;
  const sampler = buildTrainSampler(cfg, imageClasses, k);
  const counts = sampledClassCounts(imageClasses, sampler.expectedDraws(), k);
  return { ...stats, imageCount: counts };
}

export function buildModel(cfg: TrainConfig, numClasses: number, stats: ClassStats, imageClasses?: readonly Int32Array[]): BuiltModel {
  const lossStats = lossClassStats(cfg, stats, imageClasses);
  const loss = createClassifierLoss(cfg.loss, lossStats);
  const detector = new Detector(
    { ...cfg.model, numClasses },
    {
      classifierLoss: loss,
      seed: runSeed(cfg, 'init'),
      samplingSeed: runSeed(cfg, 'detectorSampling'),
      clsBiasInit: isSoftmaxFamily(cfg.loss) ? 0 : -Math.log((1 - SIGMOID_PRIOR) / SIGMOID_PRIOR),
    },
  );
  return { detector, loss, lossStats };
}
