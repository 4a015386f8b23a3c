/** Dataset samplers: instance-/class-balanced, square-root, repeat factor, and the resumable index stream. */
export {
  ClassAwareSampler,
  classBalancedSampler,
  squareRootSampler,
  type ClassAwareSamplerOptions,
  type ClassPowerSamplerOptions,
} from './classAwareSampler.js';
export { InstanceBalancedSampler, type InstanceBalancedSamplerOptions } from './instanceBalancedSampler.js';
export { imageCategorySets, indexItemClasses, type ItemClasses, type ItemClassesInput } from './itemClasses.js';
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
