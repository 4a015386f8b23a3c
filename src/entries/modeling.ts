/**
 * `balms/modeling`: the Mask R-CNN-style RoI heads and the small detector (backbone, FPN, RPN), their
 * configs, box/mask utilities and the differentiable ops. No `node:*` import: runs in a page on
 * webgl, webgpu, wasm or cpu.
 */
export { AnchorGenerator } from '../modeling/anchors.js';
export { Backbone } from '../modeling/backbone.js';
export { BoxCoder } from '../modeling/boxCoder.js';
export type { BoxCoderWeights } from '../modeling/boxCoder.js';
export { boxAreas, boxIou, pairwiseIou, xyxyToXywh } from '../modeling/boxes.js';
export { BoxHead, BoxPredictor } from '../modeling/boxHead.js';
export type { RoiClassifierLoss } from '../modeling/roiClassifierLoss.js';
export { defaultDetectorConfig, resolveDetectorConfig, validateDetectorConfig } from '../modeling/config.js';
export type {
  AnchorConfig, BackboneConfig, BoxHeadConfig, DetectorConfig, DetectorConfigInput, FpnConfig, MaskHeadConfig, RoiHeadsConfig, RpnConfig,
} from '../modeling/config.js';
export { Detector, TRAINABLE_SUBSETS, totalLoss } from '../modeling/detector.js';
export type { DetectorOptions, ImageBatch, TrainingBatch } from '../modeling/detector.js';
export { Fpn } from '../modeling/fpn.js';
export { Conv2d, Deconv2x2, Linear } from '../modeling/layers.js';
export { toLvisResults } from '../modeling/lvisResults.js';
export type { ResultsOptions } from '../modeling/lvisResults.js';
export { MaskHead } from '../modeling/maskHead.js';
export { maskTargetsForRois } from '../modeling/maskTargets.js';
export { Matcher } from '../modeling/matcher.js';
export type { MatcherOptions, MatchResult } from '../modeling/matcher.js';
export { batchedNms, nms } from '../modeling/nms.js';
export { ParameterStore } from '../modeling/parameterStore.js';
export type { Initializer } from '../modeling/parameterStore.js';
export { pasteMask, pasteMaskRle } from '../modeling/pasteMasks.js';
export { RoIHeads } from '../modeling/roiHeads.js';
export { checkBoxLists, checkFeatureLevels, checkImageSizes, checkTargets } from '../modeling/roiHeadsInputs.js';
export type { FeatureLevelInput, TargetsInput } from '../modeling/roiHeadsInputs.js';
export { resolveRoIHeadsOptions, resolveRoiHeadsConfig } from '../modeling/roiHeadsOptions.js';
export type { ResolvedRoIHeadsOptions, RoIHeadsOptions, RoiHeadsConfigInput } from '../modeling/roiHeadsOptions.js';
export { checkInstanceMask, cropAndResizeBitmap, maskTargetsForInstances } from '../modeling/instanceMasks.js';
export type { BitmapMask, InstanceMask } from '../modeling/instanceMasks.js';
export type { FeatureLevel, InstancePredictions, InstanceTargets, RoiLossOptions } from '../modeling/roiHeads.js';
export { boxInferenceSingleImage } from '../modeling/roiInference.js';
export type { BoxDetections } from '../modeling/roiInference.js';
export { boxRegressionLoss, maskLoss } from '../modeling/roiLosses.js';
export { Rpn } from '../modeling/rpn.js';
export type { RpnOutputs } from '../modeling/rpn.js';
export { sampleRois, subsampleLabels } from '../modeling/roiSampler.js';
export type { RoiSamplerOptions, SampledRois } from '../modeling/roiSampler.js';
export { assignFpnLevels, conv2dSame, deconv2x2, dense, matMulT, multiLevelRoiAlign, roiAlign } from '../modeling/ops/index.js';
export type { Conv2dSameOptions, DenseActivation, FpnLevelOptions, MultiLevelRoiAlignOptions, RoiAlignOptions } from '../modeling/ops/index.js';
