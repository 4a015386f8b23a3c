/** The training image sampler of a config, and the class-balanced meta-batch sampler of stage 2. */
import {
  InstanceBalancedSampler,
  RepeatFactorSampler,
  classBalancedSampler,
  squareRootSampler,
  type IndexSampler,
} from '../sampling/index.js';
import type { TrainConfig } from './config/trainConfig.js';
import { runSeed } from './runSeeds.js';


export function buildTrainSampler(cfg: TrainConfig, imageClasses: readonly Int32Array[], numClasses: number): IndexSampler {
  const seed = runSeed(cfg, 'sampler');
  switch (cfg.sampler.type) {
    case 'repeat_factor':
      return new RepeatFactorSampler({ imageCategories: imageClasses }, { threshold: cfg.sampler.repeatThreshold, sqrt: cfg.sampler.repeatSqrt, seed });
    case 'instance_balanced':
      return new InstanceBalancedSampler(imageClasses.length, { seed });
    case 'class_balanced':
      return classBalancedSampler(imageClasses, { seed, numClasses, epochSize: imageClasses.length });
    case 'square_root':
      return squareRootSampler(imageClasses, { seed, numClasses, epochSize: imageClasses.length });
  }
}

/** Class-balanced images for the meta batches (the official code re-samples the training set, r(c) ∝ 1/f(c)). */
export function buildMetaSampler(cfg: TrainConfig, imageClasses: readonly Int32Array[], numClasses: number): IndexSampler {
  return classBalancedSampler(imageClasses, { seed: runSeed(cfg, 'metaSampler'), numClasses, epochSize: imageClasses.length });
}
