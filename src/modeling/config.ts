/**
 * Every knob of the detector, with detectron2-like defaults (Mask R-CNN R50-FPN 1x, LVIS test
 * settings) scaled where the small from-scratch backbone needs it. `resolveDetectorConfig`
 * fills a partial config with the defaults and checks it.
 */
import { deepMerge } from '../util/deepMerge.js';
import type { BoxCoderWeights } from './boxCoder.js';
import { checkDetectorConfigRanges } from './detectorConfigRanges.js';

export interface BackboneConfig {
  /** Output channels of the stride-2 stem conv. */
  stemChannels: number;
  /** Output channels per stage; stage i has stride 2^(i+2) (4, 8, 16, 32, …). */
  stageChannels: number[];
  /** 3×3 convs per stage (the first has stride 2). */
  convsPerStage: number;
}

export interface FpnConfig {
  enabled: boolean;
  /** FPN output channels. */
  channels: number;
  /** Which backbone stages feed the FPN (indices into `stageChannels`); without FPN the last one is used. */
  inStages: number[];
}

export interface AnchorConfig {
  /** Anchor sizes per feature level (one list per level). */
  sizes: number[][];
  /** Height/width ratios, shared by all levels. */
  aspectRatios: number[];
  /** Anchor centre offset in units of the stride (detectron2 0.0). */
  offset: number;
}

export interface RpnConfig {
  /** IoU below → background, at or above the upper → foreground, between → ignored. */
  iouThresholds: [number, number];
  batchSizePerImage: number;
  positiveFraction: number;
  preNmsTopKTrain: number;
  postNmsTopKTrain: number;
  preNmsTopKTest: number;
  postNmsTopKTest: number;
  nmsThreshold: number;
  /** Proposals with a side ≤ this many pixels are dropped. */
  minSize: number;
  /** Smooth-L1 β of the anchor regression (0 → L1). */
  smoothL1Beta: number;
  bboxRegWeights: BoxCoderWeights;
  lossWeight: number;
}

export interface BoxHeadConfig {
  /** Widths of the fully connected layers. */
  fcDims: number[];
}

export interface MaskHeadConfig {
  enabled: boolean;
  /** Output channels of each 3×3 conv. */
  convDims: number[];
  /** RoIAlign output size for the mask branch (14 → 28×28 masks). */
  pooledSize: number;
  /** Channels of the 2× deconv (defaults to the last conv width when 0). */
  deconvDim: number;
  lossWeight: number;
}

/** @deprecated the old spelling of {@link RoIHeadsConfig} (the class is `RoIHeads`). */
export type RoiHeadsConfig = RoIHeadsConfig;

export interface RoIHeadsConfig {
  batchSizePerImage: number;
  positiveFraction: number;
  iouThreshold: number;
  addGtAsProposals: boolean;
  /** RoIAlign output size for the box branch. */
  pooledSize: number;
  /** Bilinear samples per bin side. */
  samplingRatio: number;
  boxHead: BoxHeadConfig;
  mask: MaskHeadConfig;
  bboxRegWeights: BoxCoderWeights;
  smoothL1Beta: number;
  /** One box per RoI instead of one per class. */
  clsAgnosticBboxReg: boolean;
  boxLossWeight: number;
  clsLossWeight: number;
  /** Inference: minimum class score (LVIS 1e-4). */
  scoreThreshold: number;
  /** Inference: per-class NMS IoU. */
  nmsThreshold: number;
  /** Inference: detections kept per image (LVIS 300). */
  detectionsPerImage: number;
  /** Inference: pasted-mask binarisation threshold. */
  maskThreshold: number;
  /** FPN level assignment (detectron2 canonical 224 px at level 4). */
  canonicalBoxSize: number;
  canonicalLevel: number;
}

export interface DetectorConfig {
  /** Foreground classes K (contiguous ids `0..K-1`). */
  numClasses: number;
  /** Per-channel input normalisation `(x - mean) / std` applied by the detector. */
  pixelMean: [number, number, number];
  pixelStd: [number, number, number];
  backbone: BackboneConfig;
  fpn: FpnConfig;
  anchors: AnchorConfig;
  rpn: RpnConfig;
  roiHeads: RoIHeadsConfig;
}

type DeepPartial<T> = { [K in keyof T]?: T[K] extends number[] | [number, number] | readonly number[] ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K] };
export type DetectorConfigInput = DeepPartial<DetectorConfig> & { numClasses: number };

/** The default configuration for `numClasses` classes. */
export function defaultDetectorConfig(numClasses: number): DetectorConfig {
  return {
    numClasses,
    pixelMean: [0.485 * 255, 0.456 * 255, 0.406 * 255],
    pixelStd: [0.229 * 255, 0.224 * 255, 0.225 * 255],
    backbone: { stemChannels: 32, stageChannels: [32, 64, 128, 256], convsPerStage: 2 },
    fpn: { enabled: true, channels: 128, inStages: [0, 1, 2, 3] },
    anchors: { sizes: [[32], [64], [128], [256]], aspectRatios: [0.5, 1, 2], offset: 0 },
    rpn: {
      iouThresholds: [0.3, 0.7],
      batchSizePerImage: 256,
      positiveFraction: 0.5,
      preNmsTopKTrain: 2000,
      postNmsTopKTrain: 1000,
      preNmsTopKTest: 1000,
      postNmsTopKTest: 1000,
      nmsThreshold: 0.7,
      minSize: 0,
      smoothL1Beta: 0,
      bboxRegWeights: [1, 1, 1, 1],
      lossWeight: 1,
    },
    roiHeads: {
      batchSizePerImage: 512,
      positiveFraction: 0.25,
      iouThreshold: 0.5,
      addGtAsProposals: true,
      pooledSize: 7,
      samplingRatio: 2,
      boxHead: { fcDims: [1024, 1024] },
      mask: { enabled: true, convDims: [256, 256, 256, 256], pooledSize: 14, deconvDim: 0, lossWeight: 1 },
      bboxRegWeights: [10, 10, 5, 5],
      smoothL1Beta: 0,
      clsAgnosticBboxReg: false,
      boxLossWeight: 1,
      clsLossWeight: 1,
      scoreThreshold: 1e-4,
      nmsThreshold: 0.5,
      detectionsPerImage: 300,
      maskThreshold: 0.5,
      canonicalBoxSize: 224,
      canonicalLevel: 4,
    },
  };
}

/**
 * Defaults overlaid with `input` (unknown keys rejected); validates the result. Where `input` names
 * no `fpn.inStages`, the FPN takes every backbone stage (so a smaller backbone needs no FPN knob).
 */
export function resolveDetectorConfig(input: DetectorConfigInput): DetectorConfig {
  const cfg = deepMerge(defaultDetectorConfig(input.numClasses), input, { knownKeysOnly: true });
  if (input.fpn?.inStages === undefined) cfg.fpn.inStages = cfg.backbone.stageChannels.map((_, i) => i);
  validateDetectorConfig(cfg);
  return cfg;
}

/**
 * Throws a `BalmsInputError` naming the key on an inconsistent configuration; `where.prefix` goes
 * before each key (`model.` for the training config's model section), `where.file` names the source.
 * The one rule per knob is the range table (`checkDetectorConfigRanges`): this is its name for
 * library users, with no check of its own.
 */
export function validateDetectorConfig(cfg: DetectorConfig, where: { file?: string; prefix?: string } = {}): void {
  checkDetectorConfigRanges(cfg, where);
}

/** Strides of the feature levels the heads see. */
export function featureStrides(cfg: DetectorConfig): number[] {
  const stageStride = (i: number) => 2 ** (i + 2);
  return cfg.fpn.enabled ? cfg.fpn.inStages.map(stageStride) : [stageStride(cfg.backbone.stageChannels.length - 1)];
}
