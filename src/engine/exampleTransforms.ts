/**
 * The training and test example transforms of a config (resize, flip, pixel statistics). The
 * pixel statistics of a run are `data.pixelMean` / `data.pixelStd`, applied by the data pipeline
 * (the training config keeps the detector's own normalisation at identity: see `checkKnobCombinations` in config/trainConfig.ts).
 */
import type { ExampleTransform } from '../data/augment.js';
import type { PixelStats } from '../data/normalize.js';
import type { TrainConfig } from './config/trainConfig.js';

export function trainTransform(cfg: TrainConfig): ExampleTransform {
  const d = cfg.data;
  return { shortSide: d.minSizeTrain, maxSize: d.maxSize, flipProbability: d.flipProbability, pixelStats: pixelStatsOf(cfg) };
}

export function testTransform(cfg: TrainConfig): ExampleTransform {
  const d = cfg.data;
  return { shortSide: d.minSizeTest, maxSize: d.maxSize, flipProbability: 0, pixelStats: pixelStatsOf(cfg) };
}

/** The run's pixel statistics: what images fed to its detector are normalised with. */
export function pixelStatsOf(cfg: TrainConfig): PixelStats {
  const [m0, m1, m2] = cfg.data.pixelMean as [number, number, number];
  const [s0, s1, s2] = cfg.data.pixelStd as [number, number, number];
  return { mean: [m0, m1, m2] as const, std: [s0, s1, s2] as const };
}
