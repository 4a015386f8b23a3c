/**
 * The BALMS meta learners (Meta Reweighter, Meta Sampler, the classification Gumbel Meta Sampler),
 * their one-step look-ahead of a linear classifier and the Adam that updates their logits.
 */
export { VectorAdam, type AdamOptions, type AdamState } from './adam.js';
export { classLogitGradient } from './classLogitGradient.js';
export { GumbelMetaSampler, type GumbelDraw, type GumbelMetaSamplerOptions } from './gumbelMetaSampler.js';
export {
  linearLookAhead,
  type LabelledBatch,
  type LinearClassifier,
  type LookAheadInput,
  type LookAheadResult,
  type RowLoss,
  type ScalarLoss,
} from './linearLookAhead.js';
export type { MetaLearnerState, MetaStepInput, MetaStepResult } from './metaLearner.js';
export { MetaReweighter, type MetaReweighterOptions } from './metaReweighter.js';
export { initialRateLogits, MetaSampler, type MetaSamplerOptions } from './metaSampler.js';
