/**
 * The range of every detector knob and the detector's cross-knob invariants, checked up front so a
 * bad value is reported by its key instead of failing deep inside tfjs (or training silently on
 * nonsense: a negative aspect ratio leaves the RPN box loss at 0). Used by `validateDetectorConfig`
 * and, with the `model.` prefix and the config file's name, by the training config.
 */
import { checkRanges, knobError, type RangeTable } from '../util/ranges.js';
import type { DetectorConfig, RoIHeadsConfig } from './config.js';

const CHANNELS = { int: true, min: 1, max: 4096 } as const;
const TOP_K = { int: true, min: 1, max: 1_000_000 } as const;
const IOU = { min: 0, max: 1 } as const;
const OPEN_IOU = { above: 0, below: 1 } as const;
const FRACTION = { above: 0, max: 1 } as const;
const WEIGHT = { min: 0, max: 1e6 } as const;

/** Each RoI-head knob's allowed values (keys as in `RoIHeadsConfig`): the one rule per knob, for `RoIHeads` and the detector alike. */
export const ROI_HEADS_RANGES: RangeTable = {
  batchSizePerImage: { int: true, min: 1, max: 1_000_000 },
  positiveFraction: FRACTION,
  iouThreshold: OPEN_IOU,
  pooledSize: { int: true, min: 1, max: 64 },
  samplingRatio: { int: true, min: 0, max: 16 },
  'boxHead.fcDims': { nonEmpty: true },
  'boxHead.fcDims[]': CHANNELS,
  'mask.convDims[]': CHANNELS,
  'mask.pooledSize': { int: true, min: 1, max: 64 },
  'mask.deconvDim': { int: true, min: 0, max: 4096 },
  'mask.lossWeight': WEIGHT,
  bboxRegWeights: { length: 4 },
  'bboxRegWeights[]': { above: 0, max: 1e3 },
  'smoothL1Beta': { min: 0, max: 1e3 },
  boxLossWeight: WEIGHT,
  clsLossWeight: WEIGHT,
  scoreThreshold: { min: 0, max: 1 },
  nmsThreshold: FRACTION,
  detectionsPerImage: TOP_K,
  maskThreshold: { min: 0, max: 1 },
  canonicalBoxSize: { above: 0, max: 1e5 },
  canonicalLevel: { int: true, min: 0, max: 16 },
};

function prefixed(prefix: string, table: RangeTable): RangeTable {
  return Object.fromEntries(Object.entries(table).map(([k, r]) => [prefix + k, r]));
}

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
  ...prefixed('roiHeads.', ROI_HEADS_RANGES),
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
  checkRoiHeadsInvariants(roiHeads, { ...where, prefix: `${where.prefix ?? ''}roiHeads.` });
}

/** The RoI-head settings' ranges and invariants (`where.prefix` before each key: `config.` for `RoIHeads` options). */
export function checkRoiHeadsConfig(cfg: RoIHeadsConfig, where: { file?: string; prefix?: string } = {}): void {
  checkRanges(cfg, ROI_HEADS_RANGES, where);
  checkRoiHeadsInvariants(cfg, where);
}

function checkRoiHeadsInvariants(cfg: RoIHeadsConfig, where: { file?: string; prefix?: string }): void {
  if (cfg.mask.enabled && cfg.mask.convDims.length < 1) throw knobError('the mask head needs at least one conv (or set mask.enabled false)', 'mask.convDims', where);
}
