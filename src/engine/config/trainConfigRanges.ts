/**
 * The range of every training knob (the model's come from `DETECTOR_RANGES`, the synthetic data's
 * from `SYNTH_OPTION_RANGES`), checked when a config is resolved so that a bad value is reported by
 * its key and file instead of being trained on (momentum 5, negative steps) or failing later.
 */
import { detectorKnobsOf } from './graphModelConfig.js';
import { SYNTH_OPTION_RANGES } from '../../data/synth/plan.js';
import { checkDetectorConfigRanges } from '../../modeling/detectorConfigRanges.js';
import { checkRanges, knobError, type RangeTable } from '../../util/ranges.js';
import type { TrainConfig } from './trainConfig.js';

const COUNT = { int: true, min: 0, max: 1e9 } as const;
const PERIOD = { int: true, min: 0, max: 1e9 } as const;
const SIDE = { int: true, min: 0, max: 16384 } as const;

/** Each training knob's allowed values, by dotted key. */
export const TRAIN_RANGES: RangeTable = {
  seed: { int: true, min: 0, max: 2 ** 32 - 1 },
  'data.minSizeTrain': { nonEmpty: true },
  'data.minSizeTrain[]': SIDE,
  'data.minSizeTest': SIDE,
  'data.maxSize': SIDE,
  'data.flipProbability': { min: 0, max: 1 },
  'data.pixelMean': { length: 3 },
  'data.pixelMean[]': { min: -1e6, max: 1e6 },
  'data.pixelStd': { length: 3 },
  'data.pixelStd[]': { above: 0, max: 1e6 },
  'data.imagesPerBatch': { int: true, min: 1, max: 4096 },
  'data.prefetch': { int: true, min: 0, max: 256 },
  'data.frequencyThresholds[]': { int: true, min: 0, max: 1e9 },
  'sampler.repeatThreshold': { min: 0, max: 1 },
  'solver.baseLr': { above: 0, max: 1e3 },
  'solver.steps[]': COUNT,
  'solver.gamma': { above: 0, max: 1e3 },
  'solver.maxIter': COUNT,
  'solver.warmupIters': COUNT,
  'solver.warmupFactor': { min: 0, max: 1 },
  'solver.momentum': { min: 0, below: 1 },
  'solver.weightDecay': { min: 0, max: 1 },
  'solver.weightDecayBias': { min: 0, max: 1 },
  'solver.clipGradNorm': { min: 0, max: 1e9 },
  'meta.lr': { above: 0, max: 1e3 },
  'meta.imagesPerBatch': { int: true, min: 1, max: 4096 },
  'meta.refreshPeriod': { int: true, min: 1, max: 1e9 },
  'meta.initPow': { min: 0, max: 16 },
  'eval.period': PERIOD,
  'eval.maxImages': COUNT,
  'eval.visualize': { int: true, min: 0, max: 10_000 },
  'checkpoint.period': PERIOD,
  'log.period': { int: true, min: 1, max: 1e9 },
  // the classification loss's knobs (each applies to the loss types that have it)
  'loss.smoothing': { min: 0, max: 1e9 },
  'loss.background.fraction': { above: 0, below: 1 },
  'loss.background.count': { above: 0, max: 1e12 },
  'loss.gamma': { min: 0, max: 100 },
  'loss.alpha': { min: 0, max: 1 },
  'loss.beta': { min: 0, below: 1 },
  'loss.lambda': { min: 0, max: 1 },
  'loss.p': { min: 0, max: 100 },
  'loss.q': { min: 0, max: 100 },
  'loss.eps': { above: 0, max: 1 },
  'loss.tau': { min: -100, max: 100 },
};

/** Checks the ranges of a resolved training config; throws a `BalmsInputError` naming `file` and the key. */
export function checkTrainConfigRanges(c: TrainConfig, file?: string): void {
  checkRanges(c, TRAIN_RANGES, { file });
  checkRanges(c.data.synth, SYNTH_OPTION_RANGES, { file, prefix: 'data.synth.' });
  if (c.data.synth.rareMaxImages < c.data.synth.rareMinImages) {
    throw knobError(`must be ≥ data.synth.rareMinImages (${c.data.synth.rareMinImages}), got ${c.data.synth.rareMaxImages}`, 'data.synth.rareMaxImages', { file });
  }
  checkDetectorConfigRanges(detectorKnobsOf(c.model), { file, prefix: 'model.' });
  const ft = c.data.frequencyThresholds;
  if (ft.length !== 2 || ft[0]! > ft[1]!) throw knobError(`must be [rareMax, commonMax] with rareMax ≤ commonMax, got ${JSON.stringify(ft)}`, 'data.frequencyThresholds', { file });
  if (c.solver.steps.some((s, i) => i > 0 && s < c.solver.steps[i - 1]!)) throw knobError(`must be in increasing order, got ${JSON.stringify(c.solver.steps)}`, 'solver.steps', { file });
}
