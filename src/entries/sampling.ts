/**
 * `balms/sampling`: the instance-/class-balanced, square-root and repeat-factor samplers (src/sampling)
 * and the BALMS Meta Sampler / Meta Reweighter with their look-ahead (src/meta).
 */
export * from '../sampling/index.js';
export * from '../meta/index.js';
export { CLIP_EPS, innerStepGain, type InnerStep } from '../solver/index.js';
