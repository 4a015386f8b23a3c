/** Classifier losses for long-tailed detection: Balanced Softmax and its baselines. */
export * from './balancedSoftmax.js';
export * from './reduce.js';
export * from './softmaxCrossEntropy.js';
