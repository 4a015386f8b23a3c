/**
 * The one way to build `RoIHeads` (detectron2's `from_config` way): an options object whose
 * `config` (any subset of the RoI-head settings) is merged onto the defaults with the one deep merge
 * and checked against the one range table (`checkRoiHeadsConfig`); the parts — box head, box
 * predictor, mask head — are built from the config unless passed in. A detection engineer calls
 * `new RoIHeads({ numClasses, inChannels, classStats })`; balms's detectors pass their shared
 * `ParameterStore` as `store`.
 */
import { createClassifierLoss, type ClassStats } from '../losses/index.js';
import { deepMerge } from '../util/deepMerge.js';
import { BalmsInputError } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import type { BoxHead, BoxPredictor } from './boxHead.js';
import { defaultDetectorConfig, type RoIHeadsConfig } from './config.js';
import { checkRoiHeadsConfig } from './detectorConfigRanges.js';
import type { MaskHead } from './maskHead.js';
import { ParameterStore } from './parameterStore.js';
import type { RoiClassifierLoss } from './roiClassifierLoss.js';

type DeepPartial<T> = { [K in keyof T]?: T[K] extends readonly number[] ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K] };

/** Any subset of the RoI-head settings; the rest keep their defaults (`defaultDetectorConfig(K).roiHeads`). */
export type RoiHeadsConfigInput = DeepPartial<RoIHeadsConfig>;

export interface RoIHeadsOptions {
  /** K, the number of foreground classes (contiguous class ids `0..K-1`). */
  numClasses: number;
  /** C, the channels of every feature map `[N, H, W, C]` the head will pool from. */
  inChannels: number;
  /** The classification loss (any `createClassifierLoss` result, or an object with the same three methods). */
  classifierLoss?: RoiClassifierLoss;
  /** Training-set class statistics: without `classifierLoss`, the head uses Balanced Softmax built from them. */
  classStats?: ClassStats;
  /** Overrides of the RoI-head settings (sampling, pooling, head widths, mask head, inference). */
  config?: RoiHeadsConfigInput;
  /**
   * Seeds the head's own parameter store (when no `store` is given) and the RoI sampling when
   * `losses` is given no `rng` (`new Rng(seed + 1)`); default 0.
   */
  seed?: number;
  /** Initial bias of the class logits (e.g. −log((1−p)/p) for sigmoid-family losses; default 0). */
  clsBiasInit?: number;
  /**
   * Where the built parts create their parameters (a detector's shared store); default: a store of
   * the head's own, seeded by `seed`, which `dispose()` frees.
   */
  store?: ParameterStore;
  /** Parameter-name prefix of the built parts (default `roi_heads`). */
  prefix?: string;
  /** Injected parts (built on any store; the head does not free them). Default: built from the config. */
  boxHead?: BoxHead;
  /** Must output `classifierLoss.outputs(K)` logits from `boxHead.outputDim` features. */
  boxPredictor?: BoxPredictor;
  /** `null`: no mask head; with a mask head, `config.mask.enabled` must be true (the default). */
  maskHead?: MaskHead | null;
}

const OPTION_KEYS = new Set(['numClasses', 'inChannels', 'classifierLoss', 'classStats', 'config', 'seed', 'clsBiasInit', 'store', 'prefix', 'boxHead', 'boxPredictor', 'maskHead']);

function fail(problem: string): never {
  throw new BalmsInputError(`RoIHeads: ${problem}`);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function positiveInteger(v: number, path: string): void {
  if (!Number.isSafeInteger(v) || v < 1) fail(`${path} must be a positive integer, got ${v}`);
}

/** Each merged value has its default's kind (number, boolean, array of numbers, object): the type check the range table leaves to its caller. */
function checkKinds(base: unknown, v: unknown, path: string): void {
  if (isPlainObject(base)) {
    if (!isPlainObject(v)) fail(`${path} must be an object`);
    for (const k of Object.keys(base)) checkKinds(base[k], v[k], `${path}.${k}`);
  } else if (Array.isArray(base)) {
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'number')) fail(`${path} must be an array of numbers`);
  } else if (typeof v !== typeof base) {
    fail(`${path} must be a ${typeof base}, got ${JSON.stringify(v)}`);
  }
}

/** The RoI-head settings for K classes: defaults overlaid with `input` (unknown keys rejected), then range-checked. */
export function resolveRoiHeadsConfig(numClasses: number, input: RoiHeadsConfigInput = {}): RoIHeadsConfig {
  if (!isPlainObject(input)) fail('config must be an object');
  const defaults = defaultDetectorConfig(numClasses).roiHeads;
  const cfg = deepMerge(defaults, input, { knownKeysOnly: true, prefix: 'config' });
  checkKinds(defaults, cfg, 'config');
  checkRoiHeadsConfig(cfg, { prefix: 'config.' });
  return cfg;
}

/** The options, checked, with the config resolved and the loss chosen. */
export interface ResolvedRoIHeadsOptions {
  numClasses: number;
  inChannels: number;
  config: RoIHeadsConfig;
  classifierLoss: RoiClassifierLoss;
  /** The store the built parts use, and whether the head owns (frees) it. */
  store: ParameterStore;
  ownsStore: boolean;
  prefix: string;
  /** Draws the RoI samples when `losses` is given no `rng`. */
  rng: Rng;
  clsBiasInit: number;
  boxHead: BoxHead | undefined;
  boxPredictor: BoxPredictor | undefined;
  maskHead: MaskHead | null | undefined;
}

export function resolveRoIHeadsOptions(opts: RoIHeadsOptions): ResolvedRoIHeadsOptions {
  if (!isPlainObject(opts)) fail('expected an options object { numClasses, inChannels, classifierLoss | classStats, config?, seed?, store?, boxHead?, boxPredictor?, maskHead? }');
  for (const k of Object.keys(opts)) if (!OPTION_KEYS.has(k)) fail(`unknown option '${k}' (known: ${[...OPTION_KEYS].join(', ')})`);
  positiveInteger(opts.numClasses, 'numClasses');
  positiveInteger(opts.inChannels, 'inChannels');
  const seed = opts.seed ?? 0;
  if (!Number.isFinite(seed)) fail(`seed must be a finite number, got ${seed}`);
  const clsBiasInit = opts.clsBiasInit ?? 0;
  if (!Number.isFinite(clsBiasInit)) fail(`clsBiasInit must be finite, got ${clsBiasInit}`);
  if (opts.store !== undefined && !(opts.store instanceof ParameterStore)) fail('store must be a ParameterStore');
  const config = resolveRoiHeadsConfig(opts.numClasses, opts.config);
  if (opts.maskHead && !config.mask.enabled) fail('a maskHead was passed with config.mask.enabled false');
  const classifierLoss = classifierLossOf(opts);
  if (opts.boxPredictor && opts.boxPredictor.numClassLogits !== classifierLoss.outputs(opts.numClasses)) {
    fail(`boxPredictor gives ${opts.boxPredictor.numClassLogits} class logits, the classifier loss needs ${classifierLoss.outputs(opts.numClasses)}`);
  }
  return {
    numClasses: opts.numClasses,
    inChannels: opts.inChannels,
    config,
    classifierLoss,
    store: opts.store ?? new ParameterStore(new Rng(seed)),
    ownsStore: opts.store === undefined,
    prefix: opts.prefix ?? 'roi_heads',
    rng: new Rng(seed + 1),
    clsBiasInit,
    boxHead: opts.boxHead,
    boxPredictor: opts.boxPredictor,
    maskHead: opts.maskHead,
  };
}

function classifierLossOf(opts: RoIHeadsOptions): RoiClassifierLoss {
  if (opts.classifierLoss && opts.classStats) fail('pass classifierLoss or classStats, not both (classStats only builds the default loss)');
  if (opts.classifierLoss) {
    const l = opts.classifierLoss;
    for (const m of ['outputs', 'loss', 'probabilities'] as const) {
      if (typeof l[m] !== 'function') fail(`classifierLoss.${m} is not a function (use createClassifierLoss)`);
    }
    return l;
  }
  if (!opts.classStats) fail('pass classifierLoss (createClassifierLoss(…)), or classStats for the default Balanced Softmax');
  const n = opts.classStats.imageCount?.length;
  if (n !== opts.numClasses) fail(`classStats.imageCount has ${n} entries, expected numClasses = ${opts.numClasses}`);
  return createClassifierLoss({ type: 'balanced_softmax' }, opts.classStats);
}
