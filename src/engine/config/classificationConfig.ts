/**
 * The training configuration of the `classification` task (`task: "classification"`): long-tailed
 * image classification (CIFAR-10-LT and any image-folder data) on the same engine as detection. It
 * shares the sampler, loss, solver, stage-2, meta, eval, checkpoint and log sections with detection
 * (same keys, same ranges) and has its own `data` and `model` sections. A detection knob in a
 * classification config (or the reverse) is rejected by name (`crossTaskError`), never ignored.
 */
import { lossTraits, lossTypesWhere, type ClassifierLossConfig, type LossTraits } from '../../losses/index.js';
import { BalmsInputError } from '../../util/errors.js';
import { checkRanges, type RangeTable } from '../../util/ranges.js';
import type { LrScheduleConfig } from '../../solver/lrSchedule.js';
import type { SgdConfig } from '../../solver/sgdMomentum.js';
import { validateConfig, type ConfigChoices, type JsonObject } from './configSchema.js';
import { deepMerge } from '../../util/deepMerge.js';
import { TRAIN_RANGES } from './trainConfigRanges.js';

export interface ClassificationTrainConfig {
  task: 'classification';
  seed: number;
  backend: 'auto' | 'tfjs-node-gpu' | 'tfjs-node' | 'wasm' | 'cpu';
  outputDir: string;
  data: {
    /** A folder holding `train/` and `test/` (image-folder trees or CIFAR's archives): the data helper's `loadClassificationSplit`. */
    root: string;
    /** Decoded-image cache ('' = the reader's default). */
    cacheDir: string;
    /** Seeds the val carving and the long-tailed subset: the data stay fixed across run seeds (and stage 2 sees stage 1's). */
    seed: number;
    /** Long-tailed subset of train: n_i = nMax · IF^(−i/(C−1)) (1 = keep the whole train split). */
    imbalanceFactor: number;
    /** Images of the head class (0 = the smallest class's count in train). */
    nMax: number;
    /** Images per class carved from the full train split into a balanced val split, before the long-tailed subset (0 = no val). */
    valPerClass: number;
    /** A subset list file (from `writeSubsetList`) that fixes the training images ('' = build it from the knobs above). */
    subsetList: string;
    augment: {
      /** Random crop after zero-padding by this many pixels (0 = off). */
      padCrop: number;
      flip: boolean;
      /** Cutout square side in pixels (0 = off). */
      cutout: number;
      /** AutoAugment's CIFAR-10 policy after crop and flip (RGB only). */
      autoAugment: boolean;
    };
    /** Per-channel mean/std on the 0–255 scale (CIFAR-10's as the BALMS code: (0.4914, 0.4822, 0.4465) / (0.2023, 0.1994, 0.2010)). */
    pixelMean: number[];
    pixelStd: number[];
    imagesPerBatch: number;
  };
  model: {
    /** CIFAR ResNet depth 6n+2 (32 = the paper's ResNet-32). */
    depth: number;
    /** Channel multiplier of the 16/32/64 stages (1 = the paper's). */
    width: number;
  };
  sampler: { type: 'instance_balanced' | 'class_balanced' | 'square_root' };
  loss: ClassifierLossConfig;
  solver: LrScheduleConfig & SgdConfig & { clipGradNorm: number };
  /** Decoupled stage 2: the stage-1 network frozen (eval-mode BN), only the linear head retrained. */
  stage2: { enabled: boolean; initCheckpoint: string };
  meta: {
    type: 'none' | 'meta_sampler';
    /** Adam learning rate of the per-class sampling logits. */
    lr: number;
    /** Images per class-balanced meta batch (drawn from train). */
    imagesPerBatch: number;
    /** Initial rates ∝ (1/p_c)^initPow (0: all 0.5, instance-balanced, as the official code). */
    initPow: number;
    /** Gumbel-softmax temperature of the draws (official: 1). */
    tau: number;
  };
  eval: {
    /** Evaluate on the val split every this many iterations (0: only at the end). */
    period: number;
    /** The split of the final evaluation (metrics.json): 'val' while choosing settings, 'test' to report. */
    split: 'val' | 'test';
    batchSize: number;
  };
  checkpoint: { period: number };
  log: { period: number };
}

export function defaultClassificationConfig(): ClassificationTrainConfig {
  return {
    task: 'classification',
    seed: 0,
    backend: 'auto',
    outputDir: 'runs/classification',
    data: {
      root: '',
      cacheDir: '',
      seed: 0,
      imbalanceFactor: 100,
      nMax: 0,
      valPerClass: 20,
      subsetList: '',
      augment: { padCrop: 4, flip: true, cutout: 0, autoAugment: false },
      pixelMean: [125.307, 122.961, 113.8575],
      pixelStd: [51.5865, 50.847, 51.255],
      imagesPerBatch: 128,
    },
    model: { depth: 32, width: 1 },
    sampler: { type: 'instance_balanced' },
    loss: { type: 'softmax' },
    solver: {
      baseLr: 0.1,
      schedule: 'cosine',
      steps: [],
      gamma: 0.1,
      maxIter: 2000,
      warmupIters: 100,
      warmupFactor: 0.1,
      warmupMethod: 'linear',
      momentum: 0.9,
      weightDecay: 5e-4,
      weightDecayBias: 5e-4,
      nesterov: false,
      clipGradNorm: 0,
    },
    stage2: { enabled: false, initCheckpoint: '' },
    meta: { type: 'none', lr: 0.01, imagesPerBatch: 128, initPow: 0, tau: 1 },
    eval: { period: 0, split: 'val', batchSize: 256 },
    checkpoint: { period: 0 },
    log: { period: 20 },
  };
}

export const CLASSIFICATION_CHOICES: ConfigChoices = {
  task: ['classification'],
  backend: ['auto', 'tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'],
  'sampler.type': ['instance_balanced', 'class_balanced', 'square_root'],
  'solver.schedule': ['multistep', 'cosine'],
  'solver.warmupMethod': ['linear', 'constant'],
  'meta.type': ['none', 'meta_sampler'],
  'eval.split': ['val', 'test'],
};

/** The classification knobs' ranges (the shared sections' come from `TRAIN_RANGES`). */
const CLASSIFICATION_RANGES: RangeTable = {
  'data.seed': { int: true, min: 0, max: 2 ** 32 - 1 },
  'data.imbalanceFactor': { min: 1, max: 1e6 },
  'data.nMax': { int: true, min: 0, max: 1e9 },
  'data.valPerClass': { int: true, min: 0, max: 1e6 },
  'data.augment.padCrop': { int: true, min: 0, max: 64 },
  'data.augment.cutout': { int: true, min: 0, max: 1024 },
  'data.imagesPerBatch': { int: true, min: 1, max: 65536 },
  'model.depth': { int: true, min: 8, max: 1000 },
  'model.width': { int: true, min: 1, max: 64 },
  'meta.imagesPerBatch': { int: true, min: 1, max: 65536 },
  'meta.tau': { above: 0, max: 100 },
  'eval.batchSize': { int: true, min: 1, max: 65536 },
};

const SHARED_RANGE_PREFIXES = ['seed', 'data.pixelMean', 'data.pixelStd', 'solver.', 'meta.lr', 'meta.initPow', 'eval.period', 'checkpoint.', 'log.', 'loss.'];

/** The loss knobs that describe detection's background column, meaningless for K-way logits. */
const DETECTION_LOSS_KNOBS = ['background', 'priorCounts'] as const;

/**
 * A classification config from its merged layers (`raw` over the defaults), validated; the loss
 * section is resolved by `resolveLoss` (shared with detection) and stripped of detection knobs.
 */
export function classificationConfigFromJson(
  raw: JsonObject,
  resolveLoss: (raw: unknown, file?: string) => ClassifierLossConfig,
  where?: string,
): ClassificationTrainConfig {
  const defaults = defaultClassificationConfig() as unknown as JsonObject;
  const { loss: rawLoss, ...rest } = raw;
  validateConfig(rest, defaults, { file: where, choices: CLASSIFICATION_CHOICES, open: ['loss'] });
  for (const k of DETECTION_LOSS_KNOBS) {
    if (rawLoss && typeof rawLoss === 'object' && Object.hasOwn(rawLoss, k)) {
      throw new BalmsInputError(`is a detection knob (the background column of RoI logits); task "classification" has K-way logits and no background: remove it`, { file: where, path: `loss.${k}` });
    }
  }
  const { loss: _l, ...restDefaults } = defaults;
  const merged = deepMerge(restDefaults, rest) as unknown as ClassificationTrainConfig;
  const loss = resolveLoss(rawLoss ?? { type: 'softmax' }, where) as unknown as JsonObject;
  for (const k of DETECTION_LOSS_KNOBS) delete loss[k];
  merged.loss = loss as unknown as ClassifierLossConfig;
  checkClassificationConfig(merged, where);
  return merged;
}

function checkClassificationConfig(c: ClassificationTrainConfig, file?: string): void {
  const bad = (path: string, problem: string): never => {
    throw new BalmsInputError(problem, { file, path });
  };
  const shared = Object.fromEntries(Object.entries(TRAIN_RANGES).filter(([k]) => SHARED_RANGE_PREFIXES.some((p) => k.startsWith(p))));
  checkRanges(c, { ...shared, ...CLASSIFICATION_RANGES }, { file });
  if ((c.model.depth - 2) % 6 !== 0) bad('model.depth', `must be 6n+2 (a CIFAR ResNet: 8, 14, 20, 32, 44, 56, 110), got ${c.model.depth}`);
  if (!c.data.root) bad('data.root', 'set the data folder (holding train/ and test/), e.g. --set data.root=../shared/real/cifar10');
  if (c.data.valPerClass === 0 && (c.eval.split === 'val' || c.eval.period > 0)) {
    bad('data.valPerClass', `is 0 (no val split), but ${c.eval.split === 'val' ? 'eval.split is "val"' : 'eval.period evaluates on val'}: carve one (e.g. 20 per class) or set eval.split "test" and eval.period 0`);
  }
  if (c.stage2.enabled && !c.stage2.initCheckpoint) bad('stage2.initCheckpoint', 'stage 2 needs the stage-1 checkpoint to start from');
  if (!c.stage2.enabled && c.stage2.initCheckpoint) bad('stage2.initCheckpoint', 'is only read in stage 2: set stage2.enabled true or remove it');
  if (c.meta.type === 'meta_sampler') {
    if (!c.stage2.enabled) bad('meta.type', 'the Meta Sampler runs in decoupled stage 2 (set stage2.enabled)');
    if (c.sampler.type !== 'instance_balanced') bad('sampler.type', 'the Meta Sampler draws the batches itself (from σ(w_c) per instance): use sampler.type "instance_balanced"');
    const softmaxRows = (t: LossTraits) => t.family === 'softmax' && t.rowLoss;
    if (!softmaxRows(lossTraits(c.loss))) {
      bad('loss.type', `the Meta Sampler's look-ahead needs a softmax loss with a per-row form (${lossTypesWhere(softmaxRows).join(', ')}), not "${c.loss.type}"`);
    }
  }
  if (c.solver.steps.some((s, i) => i > 0 && s < c.solver.steps[i - 1]!)) bad('solver.steps', `must be in increasing order, got ${JSON.stringify(c.solver.steps)}`);
}
