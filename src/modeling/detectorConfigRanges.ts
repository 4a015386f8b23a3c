/**
 * The range of every detector knob and the detector's cross-knob invariants, checked up front so a
 * bad value is reported by its key instead of failing deep inside tfjs (or training silently on
 * nonsense: a negative aspect ratio leaves the RPN box loss at 0). Used by `validateDetectorConfig`
 * and, with the `model.` prefix and the config file's name, by the training config.
 */
import { checkRanges, knobError, type RangeTable } from '../util/ranges.js';
import type { DetectorConfig } from './config.js';

const CHANNELS = { int: true, min: 1, max: 4096 } as const;
const TOP_K = { int: true, min: 1, max: 1_000_000 } as const;
const IOU = { min: 0, max: 1 } as const;
const FRACTION = { above: 0, max: 1 } as const;
const WEIGHT = { min: 0, max: 1e6 } as const;

/** Each detector knob's allowed values (keys as in `DetectorConfig`). */
export const DETECTOR_RANGES: RangeTable = {
  numClasses: { int: true, min: 1, max: 1_000_000 },
  pixelMean: { length: 3 },
  'pixelMean[]': { min: -1e6, max: 1e6 },
  pixelStd: { length: 3 },
  'pixelStd[]': { above: 0, max: 1e6 },
  'backbone.stemChannels': CHANNELS,
  'backbone.stageChannels': { nonEmpty: true },
  'backbone.stageChannels[]': CHANNELS,
  'backbone.convsPerStage': { int: true, min: 1, max: 64 },
  'fpn.channels': CHANNELS,
  'fpn.inStages[]': { int: true, min: 0, max: 16 },
  'anchors.sizes': { nonEmpty: true },
  'anchors.sizes[]': { nonEmpty: true },
  'anchors.sizes[][]': { above: 0, max: 1e5 },
  'anchors.aspectRatios': { nonEmpty: true },
  'anchors.aspectRatios[]': { above: 0, max: 1e3 },
  'anchors.offset': { min: 0, below: 1 },
  'rpn.iouThresholds': { length: 2 },
  'rpn.iouThresholds[]': IOU,
  'rpn.batchSizePerImage': { int: true, min: 1, max: 1_000_000 },
  'rpn.positiveFraction': FRACTION,
  'rpn.preNmsTopKTrain': TOP_K,
  'rpn.postNmsTopKTrain': TOP_K,
  'rpn.preNmsTopKTest': TOP_K,
  'rpn.postNmsTopKTest': TOP_K,
  'rpn.nmsThreshold': FRACTION,
  'rpn.minSize': { min: 0, max: 1e5 },
  'rpn.smoothL1Beta': { min: 0, max: 1e3 },
  'rpn.bboxRegWeights': { length: 4 },
  'rpn.bboxRegWeights[]': { above: 0, max: 1e3 },
  'rpn.lossWeight': WEIGHT,
  'roiHeads.batchSizePerImage': { int: true, min: 1, max: 1_000_000 },
  'roiHeads.positiveFraction': FRACTION,
  'roiHeads.iouThreshold': { above: 0, below: 1 },
  'roiHeads.pooledSize': { int: true, min: 1, max: 64 },
  'roiHeads.samplingRatio': { int: true, min: 0, max: 16 },
  'roiHeads.boxHead.fcDims': { nonEmpty: true },
  'roiHeads.boxHead.fcDims[]': CHANNELS,
  'roiHeads.mask.convDims[]': CHANNELS,
  'roiHeads.mask.pooledSize': { int: true, min: 1, max: 64 },
  'roiHeads.mask.deconvDim': { int: true, min: 0, max: 4096 },
  'roiHeads.mask.lossWeight': WEIGHT,
  'roiHeads.bboxRegWeights': { length: 4 },
  'roiHeads.bboxRegWeights[]': { above: 0, max: 1e3 },
  'roiHeads.smoothL1Beta': { min: 0, max: 1e3 },
  'roiHeads.boxLossWeight': WEIGHT,
  'roiHeads.clsLossWeight': WEIGHT,
  'roiHeads.scoreThreshold': { min: 0, max: 1 },
  'roiHeads.nmsThreshold': FRACTION,
  'roiHeads.detectionsPerImage': TOP_K,
  'roiHeads.maskThreshold': { min: 0, max: 1 },
  'roiHeads.canonicalBoxSize': { above: 0, max: 1e5 },
  'roiHeads.canonicalLevel': { int: true, min: 0, max: 16 },
};

/**
 * Checks every knob's range and the invariants between knobs (pyramid levels vs anchor levels,
 * consecutive FPN stages, the mask head's convs). Throws a `BalmsInputError` naming `file` and the
 * key (`prefix` + key: `model.anchors.sizes` for a training config).
 */
export function checkDetectorConfigRanges(cfg: Partial<DetectorConfig>, where: { file?: string; prefix?: string } = {}): void {
  checkRanges(cfg, DETECTOR_RANGES, where);
  const { backbone, fpn, anchors, rpn, roiHeads } = cfg;
  if (!backbone || !fpn || !anchors || !rpn || !roiHeads) return; // a partial config: the ranges are all we can check
  const stages = backbone.stageChannels.length;
  // every knob's range, used or not: a disabled FPN's stages must still name backbone stages
  if (fpn.inStages.length === 0) throw knobError('the FPN needs at least one backbone stage', 'fpn.inStages', where);
  if (fpn.inStages.some((s, i) => s >= stages || (i > 0 && s !== fpn.inStages[i - 1]! + 1))) {
    throw knobError(`must be consecutive backbone stage indices below ${stages}, got ${JSON.stringify(fpn.inStages)}${fpn.enabled ? '' : ' (checked with fpn.enabled false too)'}`, 'fpn.inStages', where);
  }
  const levels = fpn.enabled ? fpn.inStages.length : 1;
  if (anchors.sizes.length !== levels) {
    throw knobError(`has ${anchors.sizes.length} level(s), the feature pyramid has ${levels} (${fpn.enabled ? 'fpn.inStages' : 'fpn.enabled is false: one level'})`, 'anchors.sizes', where);
  }
  if (anchors.sizes.some((s) => s.length !== anchors.sizes[0]!.length)) throw knobError('every level needs the same number of anchor sizes', 'anchors.sizes', where);
  if (rpn.iouThresholds[0]! > rpn.iouThresholds[1]!) throw knobError(`must be [low, high], got ${JSON.stringify(rpn.iouThresholds)}`, 'rpn.iouThresholds', where);
  if (roiHeads.mask.enabled && roiHeads.mask.convDims.length < 1) throw knobError('the mask head needs at least one conv (or set roiHeads.mask.enabled false)', 'roiHeads.mask.convDims', where);
}
