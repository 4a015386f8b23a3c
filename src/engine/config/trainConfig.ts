/**
 * The training configuration: every knob named, with defaults; JSON files under configs/ override it
 * (`_base_` inheritance), and `--set key=value` overrides those. Validation names the key at fault.
 */
import { DEFAULT_SYNTH_OPTIONS } from '../../data/synth/plan.js';
import { defaultDetectorConfig, type DetectorConfig } from '../../modeling/index.js';
import { checkGraphModelConfig, GRAPH_MODEL_CHOICES, GRAPH_MODEL_DEFAULTS, type GraphModelKnobs } from './graphModelConfig.js';
import { LOSS_REGISTRY, lossTraits, lossTypesWhere, PRIOR_COUNTS, type ClassifierLossConfig } from '../../losses/index.js';
import { BalmsInputError } from '../../util/errors.js';
import type { LrScheduleConfig } from '../../solver/lrSchedule.js';
import type { SgdConfig } from '../../solver/sgdMomentum.js';
import { validateConfig, type ConfigChoices, type JsonObject } from './configSchema.js';
import { deepMerge } from '../../util/deepMerge.js';
import { checkTrainConfigRanges } from './trainConfigRanges.js';

export type ModelConfig = Omit<DetectorConfig, 'numClasses'> & GraphModelKnobs;

export interface TrainConfig {
  /** What the run trains: a detector (this config), or an image classifier (`ClassificationTrainConfig`). */
  task: 'detection';
  /** Seeds initialisation, sampling, augmentation and RoI sampling. */
  seed: number;
  /** 'auto' picks tfjs-node-gpu > tfjs-node > wasm > cpu, whichever is installed. */
  backend: 'auto' | 'tfjs-node-gpu' | 'tfjs-node' | 'wasm' | 'cpu';
  outputDir: string;
  data: {
    /** Use the embedded synthetic dataset (generated on first use into `cacheDir`). */
    synth: {
      enabled: boolean;
      seed: number;
      categories: number;
      trainImages: number;
      valImages: number;
      /** Held-out test split (0: none); `balms compare` reports on it. */
      testImages: number;
      minValImages: number;
      minTestImages: number;
      /** Training images of the rare categories: log-spaced over [min, max] (LVIS: 1–10). */
      rareMinImages: number;
      rareMaxImages: number;
      /** Share of training images that hold the most frequent category. */
      frequentMaxShare: number;
      size: number;
      cacheDir: string;
    };
    trainAnnotations: string;
    trainImageDir: string;
    valAnnotations: string;
    valImageDir: string;
    /** A held-out test split (optional): where `balms compare` reports. */
    testAnnotations: string;
    testImageDir: string;
    /** Training short side(s) in pixels (one drawn per image); 0 keeps the original size. */
    minSizeTrain: number[];
    minSizeTest: number;
    maxSize: number;
    flipProbability: number;
    /** RGB mean/std on the 0–255 scale; images are normalised by the data pipeline. */
    pixelMean: number[];
    pixelStd: number[];
    imagesPerBatch: number;
    /**
     * `[rareMax, commonMax]`: the LVIS-style buckets (r ≤ rareMax training images, c ≤ commonMax, f
     * above) given to val / test categories whose file has no `frequency` (COCO-format files),
     * from the training set's image counts. LVIS: [10, 100].
     */
    frequencyThresholds: number[];
    /** Batches decoded ahead of the one training. */
    prefetch: number;
  };
  sampler: {
    type: 'repeat_factor' | 'instance_balanced' | 'class_balanced' | 'square_root';
    /** RFS threshold t (LVIS: 0.001). */
    repeatThreshold: number;
    repeatSqrt: boolean;
  };
  loss: ClassifierLossConfig;
  model: ModelConfig;
  /** The LR schedule (detectron2's warm-up + multi-step / cosine), SGD settings and gradient clipping. */
  solver: LrScheduleConfig &
    SgdConfig & {
      /** Clip the global gradient norm to this (0 = off). */
      clipGradNorm: number;
    };
  /** Decoupled stage 2: start from a stage-1 checkpoint and train only `trainable`. */
  stage2: { enabled: boolean; initCheckpoint: string; trainable: 'classifier' | 'roi_heads' | 'all' };
  meta: {
    type: 'none' | 'meta_sampler' | 'meta_reweighter';
    /** Adam learning rate of the per-class logits. */
    lr: number;
    /** Images per class-balanced meta batch. */
    imagesPerBatch: number;
    /** Meta Sampler: refresh the image repeat factors every this many iterations. */
    refreshPeriod: number;
    /** Initial rates ∝ (1/p_c)^initPow (0: all 0.5, as the official code). */
    initPow: number;
  };
  eval: {
    /** Evaluate on the val set every this many iterations (0: only at the end). */
    period: number;
    /** Evaluate on at most this many val images (0: all). */
    maxImages: number;
    /** Val images with predicted masks drawn into the report. */
    visualize: number;
  };
  checkpoint: { period: number };
  log: { period: number };
}

/** Default knobs (the demo's small from-scratch detector on the embedded dataset). */
export function defaultTrainConfig(): TrainConfig {
  const { numClasses: _k, ...model } = defaultDetectorConfig(1);
  return {
    task: 'detection',
    seed: 0,
    backend: 'auto',
    outputDir: 'runs/balms',
    data: {
      synth: {
        enabled: true,
        seed: 0,
        categories: 24,
        trainImages: 1000,
        valImages: 250,
        testImages: DEFAULT_SYNTH_OPTIONS.testImages,
        minValImages: DEFAULT_SYNTH_OPTIONS.minValImages,
        minTestImages: DEFAULT_SYNTH_OPTIONS.minTestImages,
        rareMinImages: DEFAULT_SYNTH_OPTIONS.rareMinImages,
        rareMaxImages: DEFAULT_SYNTH_OPTIONS.rareMaxImages,
        frequentMaxShare: DEFAULT_SYNTH_OPTIONS.frequentMaxShare,
        size: 128,
        cacheDir: '',
      },
      trainAnnotations: '',
      trainImageDir: '',
      valAnnotations: '',
      valImageDir: '',
      testAnnotations: '',
      testImageDir: '',
      minSizeTrain: [0],
      minSizeTest: 0,
      maxSize: 0,
      flipProbability: 0.5,
      pixelMean: [123.675, 116.28, 103.53],
      pixelStd: [58.395, 57.12, 57.375],
      imagesPerBatch: 2,
      frequencyThresholds: [10, 100],
      prefetch: 2,
    },
    sampler: { type: 'repeat_factor', repeatThreshold: 0.001, repeatSqrt: true },
    loss: { type: 'balanced_softmax' },
    model: { ...model, pixelMean: [0, 0, 0], pixelStd: [1, 1, 1], ...structuredClone(GRAPH_MODEL_DEFAULTS) },
    solver: {
      baseLr: 0.02,
      schedule: 'multistep',
      steps: [600, 800],
      gamma: 0.1,
      maxIter: 1000,
      warmupIters: 100,
      warmupFactor: 0.001,
      warmupMethod: 'linear',
      momentum: 0.9,
      weightDecay: 1e-4,
      weightDecayBias: 1e-4,
      nesterov: false,
      clipGradNorm: 0,
    },
    stage2: { enabled: false, initCheckpoint: '', trainable: 'classifier' },
    meta: { type: 'none', lr: 0.01, imagesPerBatch: 2, refreshPeriod: 20, initPow: 0 },
    eval: { period: 0, maxImages: 0, visualize: 6 },
    checkpoint: { period: 0 },
    log: { period: 10 },
  };
}

const CHOICES: ConfigChoices = {
  task: ['detection'],
  backend: ['auto', 'tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'],
  'sampler.type': ['repeat_factor', 'instance_balanced', 'class_balanced', 'square_root'],
  'solver.schedule': ['multistep', 'cosine'],
  'solver.warmupMethod': ['linear', 'constant'],
  'stage2.trainable': ['classifier', 'roi_heads', 'all'],
  'meta.type': ['none', 'meta_sampler', 'meta_reweighter'],
  ...GRAPH_MODEL_CHOICES,
};

/** The knobs of each classification loss, with their defaults (`loss.type` picks one): the loss registry's. */
export const LOSS_DEFAULTS = Object.fromEntries(Object.entries(LOSS_REGISTRY).map(([type, e]) => [type, structuredClone(e.defaults) as JsonObject])) as Record<
  ClassifierLossConfig['type'],
  JsonObject
>;

const LOSS_CHOICES: ConfigChoices = {
  'loss.countSource': ['image_count', 'instance_count'],
  'loss.background.mode': ['fraction', 'count', 'none', 'foreground'],
  'loss.base': ['softmax', 'sigmoid', 'focal'],
  'loss.priorCounts': PRIOR_COUNTS,
};

/** Fills the chosen loss's defaults and checks its knobs. */
export function resolveLoss(raw: unknown, file?: string): ClassifierLossConfig {
  const type = (raw as { type?: unknown } | undefined)?.type ?? 'balanced_softmax';
  const defaults = typeof type === 'string' && Object.hasOwn(LOSS_DEFAULTS, type) ? LOSS_DEFAULTS[type as ClassifierLossConfig['type']] : undefined;
  if (!defaults) {
    throw new BalmsInputError(`must be one of ${Object.keys(LOSS_DEFAULTS).map((t) => JSON.stringify(t)).join(', ')}, got ${JSON.stringify(type)}`, { file, path: 'loss.type' });
  }
  const merged = deepMerge(defaults, (raw ?? {}) as JsonObject);
  // validate under the `loss.` prefix so errors name the full key
  validateConfig({ loss: merged }, { loss: defaults }, { file, choices: { ...LOSS_CHOICES, 'loss.type': [type as string] } });
  const bg = merged['background'] as { mode: string; fraction: number; count: number } | undefined;
  if (bg) {
    merged['background'] = bg.mode === 'fraction' ? { mode: 'fraction', fraction: bg.fraction } : bg.mode === 'count' ? { mode: 'count', count: bg.count } : { mode: bg.mode as 'none' | 'foreground' };
  }
  return merged as unknown as ClassifierLossConfig;
}

/** Sections whose knobs depend on their `type`: a layer that changes the type replaces the section. */
export const TYPED_SECTIONS = ['loss'] as const;

/**
 * A training config from its merged layers (`raw`: file ← overrides ← `--set`, or a config stored in
 * a checkpoint) over the defaults, validated; `where` names the source in messages. No file system:
 * `resolveTrainConfig` (resolveTrainConfig.ts) reads config files.
 */
export function trainConfigFromJson(raw: JsonObject, where?: string): TrainConfig {
  const defaults = defaultTrainConfig() as unknown as JsonObject;
  const { loss: rawLoss, ...rest } = raw;
  validateConfig(rest, defaults, { file: where, choices: CHOICES, open: ['loss', 'model.featureNodes'] });
  const { loss: _l, ...restDefaults } = defaults;
  const merged = deepMerge(restDefaults, rest) as unknown as TrainConfig;
  merged.loss = resolveLoss(rawLoss, where);
  checkGraphModelConfig({ ...merged.model, numClasses: 1 }, where);
  checkTrainConfigRanges(merged, where);
  checkKnobCombinations(merged, where);
  return merged;
}

/** A meta learner looks ahead through the classifier's step alone, with the loss's per-row form. */
function checkMetaLearner(c: TrainConfig, bad: (path: string, problem: string) => never): void {
  const learner = c.meta.type === 'meta_sampler' ? 'the Meta Sampler' : 'the Meta Reweighter';
  if (!c.stage2.enabled) bad('meta.type', `${learner} runs in decoupled stage 2 (set stage2.enabled)`);
  if (c.stage2.trainable !== 'classifier') {
    bad('stage2.trainable', `${learner} (meta.type "${c.meta.type}") learns through the classifier's step alone: set stage2.trainable "classifier" or meta.type "none"`);
  }
  if (!lossTraits(c.loss).rowLoss) {
    bad('loss.type', `${learner} (meta.type "${c.meta.type}") needs a loss with a per-row form (${lossTypesWhere((t) => t.rowLoss).join(', ')}), not "${c.loss.type}"`);
  }
  if (c.meta.type === 'meta_sampler' && c.sampler.type !== 'repeat_factor') {
    bad('sampler.type', 'the Meta Sampler (meta.type "meta_sampler") turns class rates into image repeat factors: use sampler.type "repeat_factor"');
  }
}

/**
 * The rules between knobs that a per-knob range cannot say (each knob's own range is
 * `checkTrainConfigRanges`, trainConfigRanges.ts): pixel statistics set once, stage 2 with its
 * checkpoint, count sources that fit the prior, the meta learner's requirements, data sources.
 */
function checkKnobCombinations(c: TrainConfig, file?: string): void {
  const bad = (path: string, problem: string): never => {
    throw new BalmsInputError(problem, { file, path });
  };
  // one place for pixel normalisation: the data pipeline (data.pixelMean / data.pixelStd)
  const identity = (v: readonly number[], x: number) => v.every((u) => u === x);
  if (!identity(c.model.pixelMean, 0)) bad('model.pixelMean', 'must stay [0, 0, 0]: the data pipeline normalises images with data.pixelMean (set the statistics there)');
  if (!identity(c.model.pixelStd, 1)) bad('model.pixelStd', 'must stay [1, 1, 1]: the data pipeline normalises images with data.pixelStd (set the statistics there)');
  if (c.stage2.enabled && !c.stage2.initCheckpoint) bad('stage2.initCheckpoint', 'stage 2 needs the stage-1 checkpoint to start from');
  if ('priorCounts' in c.loss && c.loss.priorCounts === 'sampled' && 'countSource' in c.loss && c.loss.countSource === 'instance_count') {
    bad('loss.priorCounts', "'sampled' counts images as the sampler draws them: use it with loss.countSource 'image_count'");
  }
  if ('priorCounts' in c.loss && c.loss.priorCounts === 'lvis_v1' && 'countSource' in c.loss && c.loss.countSource === 'instance_count') {
    bad('loss.priorCounts', "the LVIS v1 table has image counts only (its instance counts are not published): use loss.countSource 'image_count'");
  }
  if ((c.data.testAnnotations === '') !== (c.data.testImageDir === '')) bad('data.testAnnotations', 'set both data.testAnnotations and data.testImageDir, or neither');
  if (c.meta.type !== 'none') checkMetaLearner(c, bad);
  if (!c.data.synth.enabled && (!c.data.trainAnnotations || !c.data.trainImageDir)) {
    bad('data.trainAnnotations', 'set data.trainAnnotations and data.trainImageDir, or enable data.synth');
  }
}
