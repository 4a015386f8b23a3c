/** Samplers (instance-/class-balanced, square-root, repeat factor) and the BALMS meta learners. */
export { VectorAdam, type AdamOptions, type AdamState } from './adam.js';
export {
  ClassAwareSampler,
  classBalancedSampler,
  squareRootSampler,
  type ClassAwareSamplerOptions,
  type ClassPowerSamplerOptions,
} from './classAwareSampler.js';
export { classLogitGradient } from './classLogitGradient.js';
export { GumbelMetaSampler, type GumbelDraw, type GumbelMetaSamplerOptions } from './gumbelMetaSampler.js';
export { InstanceBalancedSampler, type InstanceBalancedSamplerOptions } from './instanceBalancedSampler.js';
export { imageCategorySets, indexItemClasses, type ItemClasses, type ItemClassesInput } from './itemClasses.js';
export {
  CLIP_EPS,
  innerStepGain,
  linearLookAhead,
  type InnerStep,
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
export { RepeatFactorSampler, type RepeatFactorSamplerOptions } from './repeatFactorSampler.js';
export {
  categoryImageFrequency,
  categoryRepeatFactors,
  imageFactorsFromClassFactors,
  repeatFactors,
  type RepeatFactorOptions,
} from './repeatFactors.js';
export { EpochSampler, type IndexSampler, type SamplerState } from './sampler.js';
export { sampledClassCounts } from './sampledClassCounts.js';
export {
  ResumableIndexStream,
  type FactorSampler,
  type IndexStreamState,
  type ResumableIndexStreamOptions,
  type ScheduledFactors,
} from './resumableIndexStream.js';
