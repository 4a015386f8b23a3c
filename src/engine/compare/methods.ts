/**
 * The methods `balms compare` knows, each a shipped config under configs/compare/ (usable with
 * `balms train` as they are), and the presets that size a comparison.
 *
 * A stage-2 method starts from the final checkpoint of a stage-1 method trained with the same seed
 * (`from`); compare trains that stage-1 run once per seed and every stage-2 method reuses it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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

/** The methods of `balms compare` for long-tailed classification (configs/classification/), CIFAR-10-LT's table. */
export const CLASSIFICATION_COMPARE_METHODS: readonly CompareMethod[] = [
  { name: 'softmax', config: 'softmax.json', summary: 'softmax cross-entropy, instance-balanced sampling (end to end)' },
  { name: 'balanced_softmax', config: 'balanced_softmax.json', summary: 'Balanced Softmax, instance-balanced sampling (end to end)' },
  { name: 'crt', config: 'crt.json', from: 'softmax', summary: 'cRT: decoupled stage 2, the classifier retrained with softmax + class-balanced sampling' },
  { name: 'decoupled_balanced_softmax', config: 'decoupled_balanced_softmax.json', from: 'softmax', summary: 'decoupled stage 2: the classifier retrained with Balanced Softmax, instance-balanced' },
  { name: 'balms', config: 'balms.json', from: 'softmax', summary: 'BALMS: decoupled stage 2, Balanced Softmax + the Meta Sampler (official form)' },
];

/** The baseline of the classification compare. */
export const CLASSIFICATION_COMPARE_BASELINE = 'softmax';

/** Which task a compare runs: its methods (configs under `configs/<configDir>/`), baseline and metrics. */
export interface CompareTaskSpec {
  task: 'detection' | 'classification';
  methods: readonly CompareMethod[];
  baseline: string;
  /** The folder of the methods' configs under configs/. */
  configDir: string;
}

export const COMPARE_TASKS: Record<CompareTaskSpec['task'], CompareTaskSpec> = {
  detection: { task: 'detection', methods: COMPARE_METHODS, baseline: COMPARE_BASELINE, configDir: 'compare' },
  classification: { task: 'classification', methods: CLASSIFICATION_COMPARE_METHODS, baseline: CLASSIFICATION_COMPARE_BASELINE, configDir: 'classification' },
};

export interface ComparePreset {
  name: string;
  /** The task its methods are (default detection). */
  task?: CompareTaskSpec['task'];
  summary: string;
  /** Overrides of every run (data, model). */
  common: JsonObject;
  /** Overrides of stage-1 runs (the schedule). */
  stage1: JsonObject;
  /** Overrides of stage-2 runs (the schedule). */
  stage2: JsonObject;
}

/** The folder of the shipped presets: configs/compare/presets/<name>.json. */
export const PRESET_DIR = fileURLToPath(new URL('../../../configs/compare/presets/', import.meta.url));

/**
 * The presets shipped in configs/compare/presets/: `default` (detection: 48 categories, 13 rare
 * with 1–5 training images, 1,500 train / 200 val / 600 test images, ≥ 30 test instances per rare
 * category), `quick` (32 categories, 600 / 120 / 300, ≥ 15), and the classification presets
 * `cifar10-lt-100`, `cifar10-lt-200`, `cifar10-lt-quick` (data from `--set data.root=DIR`).
 */
export const COMPARE_PRESETS: Record<string, ComparePreset> = Object.fromEntries(
  readdirSync(PRESET_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const name = f.slice(0, -'.json'.length);
      const raw = JSON.parse(readFileSync(join(PRESET_DIR, f), 'utf8')) as Omit<ComparePreset, 'name'>;
      return [name, { name, ...raw }];
    }),
);
