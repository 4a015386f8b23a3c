/**
 * balms — Balanced Meta-Softmax for long-tailed instance segmentation on TensorFlow.js.
 * The public API. Each area re-exports from its own folder's index.
 */
export * from './coco/types.js';
export * from './data/index.js';
export { BalmsInputError } from './util/errors.js';
export { Rng } from './util/rng.js';
export type { RngState } from './util/rng.js';
