/**
 * The methods `balms compare` knows, each a shipped config under configs/compare/ (usable with
 * `balms train` as they are), and the presets that size a comparison.
 *
 * A stage-2 method starts from the final checkpoint of a stage-1 method trained with the same seed
 * (`from`); compare trains that stage-1 run once per seed and every stage-2 method reuses it.
 */
import type { JsonObject } from '../config/configSchema.js';

export interface CompareMethod {
  name: string;
  /** Config file name under configs/compare/. */
  config: string;
  /** One line: what the method is. */
  summary: string;
  /** Stage-2 methods: the stage-1 method whose checkpoint they start from. */
  from?: string;
}

export const COMPARE_METHODS: readonly CompareMethod[] = [
  { name: 'softmax', config: 'softmax.json', summary: 'softmax cross-entropy, instance-balanced sampling (end to end)' },
  { name: 'softmax_rfs', config: 'softmax_rfs.json', summary: 'softmax cross-entropy + repeat factor sampling (end to end)' },
  { name: 'sigmoid_rfs', config: 'sigmoid_rfs.json', summary: 'sigmoid BCE + repeat factor sampling (end to end; the official BALMS LVIS baseline)' },
  { name: 'balanced_softmax', config: 'balanced_softmax.json', summary: 'Balanced Softmax, instance-balanced sampling (end to end)' },
  { name: 'balanced_softmax_rfs', config: 'balanced_softmax_rfs.json', summary: 'Balanced Softmax + RFS (end to end)' },
  { name: 'balms_reweighter', config: 'balms_reweighter.json', from: 'softmax_rfs', summary: 'BALMS: decoupled stage 2, Balanced Softmax + Meta Reweighter' },
  { name: 'balms_meta_sampler', config: 'balms_meta_sampler.json', from: 'softmax_rfs', summary: 'BALMS: decoupled stage 2, Balanced Softmax + Meta Sampler driving image repeat factors on top of RFS' },
  { name: 'balms_official', config: 'balms_official.json', from: 'sigmoid_rfs', summary: 'the official LVIS recipe: sigmoid + RFS, then balanced sigmoid + Meta Reweighter with RFS kept' },
  { name: 'crt', config: 'crt.json', from: 'softmax_rfs', summary: 'cRT: decoupled stage 2, plain softmax + class-balanced sampling (ablation)' },
];

/** The baseline the differences are measured against. */
export const COMPARE_BASELINE = 'softmax_rfs';

export function compareMethod(name: string): CompareMethod | undefined {
  return COMPARE_METHODS.find((m) => m.name === name);
}

export interface ComparePreset {
  name: string;
  summary: string;
  /** Overrides of every run (data, model). */
  common: JsonObject;
  /** Overrides of stage-1 runs (the schedule). */
  stage1: JsonObject;
  /** Overrides of stage-2 runs (the schedule). */
  stage2: JsonObject;
}

/**
 * `default`: 48 categories (13 rare with 1–5 training images), 1,500 train / 200 val / 600 test
 * images, ≥ 30 test instances per rare category. `quick`: 32 categories, 600 / 120 / 300, ≥ 15.
 */
export const COMPARE_PRESETS: Record<string, ComparePreset> = {
  default: {
    name: 'default',
    summary: '48 categories, 1,500 train / 200 val / 600 test images (≥ 30 test instances per rare category)',
    common: {},
    stage1: { solver: { maxIter: 1000, steps: [750, 900], warmupIters: 50 } },
    stage2: { solver: { maxIter: 300, steps: [200, 260], warmupIters: 0 } },
  },
  quick: {
    name: 'quick',
    summary: '32 categories, 600 train / 120 val / 300 test images (≥ 15 test instances per rare category), short schedules',
    common: {
      data: { synth: { categories: 32, trainImages: 600, valImages: 120, testImages: 300, minValImages: 8, minTestImages: 13, frequentMaxShare: 0.25 } },
    },
    stage1: { solver: { maxIter: 250, steps: [190, 230], warmupIters: 25 } },
    stage2: { solver: { maxIter: 60, steps: [40, 52], warmupIters: 0 } },
  },
};
