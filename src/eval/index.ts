export { evaluateLvis } from './lvisEval.js';
export type { LvisEvalOptions, LvisEvalResult, LvisStats, CategoryEval } from './lvisEval.js';
export { evaluateCoco } from './cocoEval.js';
export type { CocoEvalOptions, CocoEvalResult, CocoStats, CocoCategoryEval } from './cocoEval.js';
export type { NdArray } from './accumulate.js';
export type { EvalParams, AreaRange } from './params.js';
export { IOU_THRESHOLDS, RECALL_THRESHOLDS, AREA_RANGES, PRECISION_EPS } from './params.js';
export type { GroundTruth } from './runCore.js';
export { boxIouInto } from './computeIou.js';
