export * from './adam.js';
export * from './classAwareSampler.js';
export * from './instanceBalancedSampler.js';
export * from './itemClasses.js';
export * from './linearLookAhead.js';
export * from './repeatFactorSampler.js';
export * from './repeatFactors.js';
export * from './sampler.js';
