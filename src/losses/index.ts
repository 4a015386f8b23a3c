/** Classifier losses for long-tailed detection: Balanced Softmax and its baselines. */
export * from './balancedSoftmax.js';
export * from './classBalanced.js';
export * from './classifierLoss.js';
export * from './detectionBalancedSoftmax.js';
export * from './equalizationLoss.js';
export * from './focal.js';
export * from './logitAdjusted.js';
export * from './lossRegistry.js';
export * from './reduce.js';
export * from './roiClassWeights.js';
export * from './seesaw.js';
export * from './sigmoidCrossEntropy.js';
export * from './softmaxCrossEntropy.js';
