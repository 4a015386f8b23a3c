/**
 * Every random stream of a training run, seeded from the config's one `seed`: one offset per
 * stream, so the streams are independent of each other and of the order they are created in.
 * (`data.synth.seed` is the synthetic dataset's own, separate from the run.)
 */
import type { TrainConfig } from './config/trainConfig.js';

export const SEED_OFFSETS = {
  /** Parameter initialisation. */
  init: 0,
  /** The detector's anchor and RoI sampling (`Detector.computeLosses`). */
  detectorSampling: 1,
  /** RoI sampling in the training step (the trainer's own Rng). */
  step: 7,
  /** The training image sampler. */
  sampler: 11,
  /** Augmentation of training examples. */
  augment: 12,
  /** The class-balanced meta-batch sampler (stage 2). */
  metaSampler: 13,
  /** Augmentation of meta-batch examples. */
  metaAugment: 14,
  /** The Meta Sampler's Gumbel-softmax draws (image classification, stage 2). */
  metaDraw: 15,
} as const;

/** The seed of one random stream of the run. */
export function runSeed(cfg: Pick<TrainConfig, 'seed'>, stream: keyof typeof SEED_OFFSETS): number {
  return cfg.seed + SEED_OFFSETS[stream];
}
