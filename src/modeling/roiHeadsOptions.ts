/**
 * The options form of the `RoIHeads` constructor, for a detection engineer who plugs the head into
 * their own detector: `new RoIHeads({ numClasses, inChannels, classStats })` builds the head with
 * its own seeded parameters, the default Balanced Softmax and detectron2's RoI-head defaults;
 * `config` overrides any of those settings (a partial `RoIHeadsConfig`, checked key by key).
 */
import { createClassifierLoss, type ClassStats } from '../losses/index.js';
import { BalmsInputError } from '../util/errors.js';
import type { RoiClassifierLoss } from './roiClassifierLoss.js';
import { defaultDetectorConfig, type RoIHeadsConfig } from './config.js';

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
  /** Seeds the parameter initialisation and the RoI sampling (default 0). */
  seed?: number;
  /** Initial bias of the class logits (e.g. −log((1−p)/p) for sigmoid-family losses; default 0). */
  clsBiasInit?: number;
}

const OPTION_KEYS = new Set(['numClasses', 'inChannels', 'classifierLoss', 'classStats', 'config', 'seed', 'clsBiasInit']);

function fail(problem: string): never {
  throw new BalmsInputError(`RoIHeads: ${problem}`);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `base` overlaid with `over`; an unknown key or a value of the wrong kind names its path (`config.mask.convDims`). */
function overlay(base: unknown, over: unknown, path: string): unknown {
  if (over === undefined) return base;
  if (isPlainObject(base)) {
    if (!isPlainObject(over)) fail(`${path} must be an object`);
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(over)) {
      if (!(k in base)) fail(`${path}.${k} is not a setting (known: ${Object.keys(base).join(', ')})`);
      out[k] = overlay(base[k], v, `${path}.${k}`);
    }
    return out;
  }
  if (Array.isArray(base)) {
    if (!Array.isArray(over) || over.some((x) => typeof x !== 'number' || !Number.isFinite(x))) fail(`${path} must be an array of numbers`);
    if (base.length === 4 && path.endsWith('bboxRegWeights') && over.length !== 4) fail(`${path} must have 4 entries`);
    return [...over];
  }
  if (typeof over !== typeof base) fail(`${path} must be a ${typeof base}, got ${JSON.stringify(over)}`);
  if (typeof over === 'number' && !Number.isFinite(over)) fail(`${path} must be finite, got ${over}`);
  return over;
}

function positiveInteger(v: number, path: string): void {
  if (!Number.isInteger(v) || v < 1) fail(`${path} must be a positive integer, got ${v}`);
}

/** The RoI-head settings for K classes: defaults overlaid with `input`, then checked. */
export function resolveRoiHeadsConfig(numClasses: number, input: RoiHeadsConfigInput = {}): RoIHeadsConfig {
  const cfg = overlay(defaultDetectorConfig(numClasses).roiHeads, input, 'config') as RoIHeadsConfig;
  validateRoiHeadsConfig(cfg);
  return cfg;
}

/** Throws a `BalmsInputError` naming the first inconsistent RoI-head setting. */
export function validateRoiHeadsConfig(cfg: RoIHeadsConfig): void {
  positiveInteger(cfg.batchSizePerImage, 'config.batchSizePerImage');
  if (!(cfg.positiveFraction > 0 && cfg.positiveFraction <= 1)) fail(`config.positiveFraction must be in (0, 1], got ${cfg.positiveFraction}`);
  if (!(cfg.iouThreshold >= 0 && cfg.iouThreshold <= 1)) fail(`config.iouThreshold must be in [0, 1], got ${cfg.iouThreshold}`);
  positiveInteger(cfg.pooledSize, 'config.pooledSize');
  if (!Number.isInteger(cfg.samplingRatio) || cfg.samplingRatio < 1) fail(`config.samplingRatio must be a positive integer, got ${cfg.samplingRatio}`);
  if (cfg.boxHead.fcDims.length < 1) fail('config.boxHead.fcDims needs at least one layer');
  cfg.boxHead.fcDims.forEach((d, i) => positiveInteger(d, `config.boxHead.fcDims[${i}]`));
  if (cfg.mask.enabled) {
    if (cfg.mask.convDims.length < 1) fail('config.mask.convDims needs at least one conv');
    cfg.mask.convDims.forEach((d, i) => positiveInteger(d, `config.mask.convDims[${i}]`));
    positiveInteger(cfg.mask.pooledSize, 'config.mask.pooledSize');
  }
  if (!(cfg.nmsThreshold > 0 && cfg.nmsThreshold <= 1)) fail(`config.nmsThreshold must be in (0, 1], got ${cfg.nmsThreshold}`);
  positiveInteger(cfg.detectionsPerImage, 'config.detectionsPerImage');
  if (!(cfg.canonicalBoxSize > 0)) fail(`config.canonicalBoxSize must be > 0, got ${cfg.canonicalBoxSize}`);
}

/** The options, checked, with the config resolved and the loss chosen. */
export interface ResolvedRoIHeadsOptions {
  numClasses: number;
  inChannels: number;
  config: RoIHeadsConfig;
  classifierLoss: RoiClassifierLoss;
  seed: number;
  clsBiasInit: number;
}

export function resolveRoIHeadsOptions(opts: RoIHeadsOptions): ResolvedRoIHeadsOptions {
  if (!isPlainObject(opts)) fail('expected an options object { numClasses, inChannels, classifierLoss | classStats, config?, seed? }');
  for (const k of Object.keys(opts)) if (!OPTION_KEYS.has(k)) fail(`unknown option '${k}' (known: ${[...OPTION_KEYS].join(', ')})`);
  positiveInteger(opts.numClasses, 'numClasses');
  positiveInteger(opts.inChannels, 'inChannels');
  const seed = opts.seed ?? 0;
  if (!Number.isFinite(seed)) fail(`seed must be a finite number, got ${seed}`);
  const clsBiasInit = opts.clsBiasInit ?? 0;
  if (!Number.isFinite(clsBiasInit)) fail(`clsBiasInit must be finite, got ${clsBiasInit}`);
  return {
    numClasses: opts.numClasses,
    inChannels: opts.inChannels,
    config: resolveRoiHeadsConfig(opts.numClasses, opts.config),
    classifierLoss: classifierLossOf(opts),
    seed,
    clsBiasInit,
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
