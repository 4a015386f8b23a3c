/**
 * `balms/sampling`: the instance-/class-balanced, square-root and repeat-factor samplers and the
 * BALMS Meta Sampler / Meta Reweighter. The list is the sampling folder's index.
 */
export * from '../sampling/index.js';
