/** The image transforms a training config asks for: training (multi-scale, flip) and test. */
import type { ExampleTransform } from '../data/augment.js';
import type { TrainConfig } from './config/trainConfig.js';

export function trainTransform(cfg: TrainConfig): ExampleTransform {
  const d = cfg.data;
  return { shortSide: d.minSizeTrain, maxSize: d.maxSize, flipProbability: d.flipProbability, pixelStats: statsOf(cfg) };
}

export function testTransform(cfg: TrainConfig): ExampleTransform {
  const d = cfg.data;
  return { shortSide: d.minSizeTest, maxSize: d.maxSize, flipProbability: 0, pixelStats: statsOf(cfg) };
}

function statsOf(cfg: TrainConfig) {
  const [m0, m1, m2] = cfg.data.pixelMean as [number, number, number];
  const [s0, s1, s2] = cfg.data.pixelStd as [number, number, number];
  return { mean: [m0, m1, m2] as const, std: [s0, s1, s2] as const };
}
