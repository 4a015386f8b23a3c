/**
 * `balms/losses`: classifier losses for long-tailed detection — Balanced Softmax and its baselines.
 * Every loss takes `(logits, labels, …)` and returns a scalar tensor (or per-row with
 * `reduction: 'none'`).
 */
export { balancedSoftmaxLoss, classCountsFromCategories } from '../losses/balancedSoftmax.js';
export type { BalancedSoftmaxOptions, CountSource } from '../losses/balancedSoftmax.js';
export { classBalancedLoss, classBalancedWeights } from '../losses/classBalanced.js';
export type { ClassBalancedBase, ClassBalancedOptions } from '../losses/classBalanced.js';
export { createClassifierLoss } from '../losses/classifierLoss.js';
export type { ClassifierLoss, ClassifierLossConfig, ClassStats } from '../losses/classifierLoss.js';
export { DEFAULT_BACKGROUND_PRIOR, detectionBalancedSoftmaxLoss, detectionLogPrior } from '../losses/detectionBalancedSoftmax.js';
export type { BackgroundPrior, DetectionBalancedSoftmaxOptions } from '../losses/detectionBalancedSoftmax.js';
export { equalizationLoss } from '../losses/equalizationLoss.js';
export type { EqualizationLossOptions } from '../losses/equalizationLoss.js';
export { focalLoss } from '../losses/focal.js';
export type { FocalOptions } from '../losses/focal.js';
export { adjustLogits, logitAdjustedLoss } from '../losses/logitAdjusted.js';
export type { LossReduction, ReductionOptions } from '../losses/reduce.js';
export { SeesawLoss } from '../losses/seesaw.js';
export type { SeesawOptions } from '../losses/seesaw.js';
export { balancedSigmoidLoss, balancedSigmoidShift, sigmoidCrossEntropyLoss } from '../losses/sigmoidCrossEntropy.js';
export type { BalancedSigmoidOptions } from '../losses/sigmoidCrossEntropy.js';
export { softmaxCrossEntropyLoss } from '../losses/softmaxCrossEntropy.js';
export type { SoftmaxCrossEntropyOptions } from '../losses/softmaxCrossEntropy.js';
