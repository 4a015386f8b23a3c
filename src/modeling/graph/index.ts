/** A frozen tfjs GraphModel as a detector backbone (coco-ssd, CenterNet, or any graph by its node names). */
export * from './frameMapping.js';
export * from './graphBackbone.js';
export * from './graphDetector.js';
export * from './graphSpec.js';
export * from './loadGraphBackbone.js';
export * from './localModel.js';
