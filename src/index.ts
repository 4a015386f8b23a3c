/**
 * balms — Balanced Meta-Softmax for long-tailed instance segmentation on TensorFlow.js.
 * The public API. Each area re-exports from its own folder's index.
 */
export * from './coco/index.js';
export * from './data/index.js';
export * from './engine/index.js';
export * from './eval/index.js';
export * from './losses/index.js';
export * from './modeling/index.js';
export * from './report/index.js';
export * from './backends/index.js';
export * from './sampling/index.js';
export { BalmsInputError, BalmsInternalError, TrainingDivergedError } from './util/errors.js';
export { Rng } from './util/rng.js';
export type { RngState } from './util/rng.js';
