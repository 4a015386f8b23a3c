import { Rng } from '../../util/rng.js';
import type { Frequency } from '../../coco/types.js';
import { checkRanges, knobError, type RangeTable } from '../../util/ranges.js';
import { MAX_SYNTH_CATEGORIES, appearanceName, chooseAppearances, type SynthAppearance } from './appearance.js';
import type { SynthImageSpec, SynthObjectSpec } from './render.js';

/** Options of a synthetic dataset (all of them enter its cache key). */
export interface SynthOptions {
  seed: number;
  /** Number of categories K. */
  categories: number;
  trainImages: number;
  valImages: number;
  /** Image side in pixels (images are square). */
  size: number;
  /** Probability that a category absent from an image is listed in its `neg_category_ids`. */
  negFraction: number;
  /**
   * Probability that an (image, category) pair with two or more instances has one instance drawn
   * but not annotated; the category is then listed in the image's `not_exhaustive_category_ids`.
   */
  notExhaustiveFraction: number;
  /** Minimum number of val images per category (so APr is measurable). */
  minValImages: number;
  /** Images of the held-out test split (0: no test split). */
  testImages: number;
  /** Minimum number of test images per category. */
  minTestImages: number;
  /** Training images of a rare category range over [rareMinImages, rareMaxImages] (log-spaced; LVIS: 1–10). */
  rareMinImages: number;
  rareMaxImages: number;
  /** The most frequent category appears in this share of the training images (at least 130 images). */
  frequentMaxShare: number;
}

/** Options added after the first presets: at these values they leave a dataset (and its cache key) unchanged. */
export const SYNTH_OPTION_ADDITIONS = { testImages: 0, minTestImages: 0, rareMinImages: 1, rareMaxImages: 10, frequentMaxShare: 0.35 } as const;

/** The options without the later additions that sit at their neutral values (what older datasets recorded). */
export function recordedSynthOptions(o: SynthOptions): Partial<SynthOptions> {
  const out: Record<string, unknown> = {};
  const added = SYNTH_OPTION_ADDITIONS as Record<string, number>;
  for (const [k, v] of Object.entries(o)) if (!(k in added && v === added[k])) out[k] = v;
  return out as Partial<SynthOptions>;
}

export const DEFAULT_SYNTH_OPTIONS: SynthOptions = {
  seed: 0,
  categories: 24,
  trainImages: 1000,
  valImages: 250,
  size: 128,
  negFraction: 0.3,
  notExhaustiveFraction: 0.1,
  minValImages: 5,
  ...SYNTH_OPTION_ADDITIONS,
};

/** A planned category: its look, the bucket it is meant to land in, and its image targets. */
export interface SynthCategoryPlan {
  /** 1-based LVIS category id. */
  id: number;
  appearance: SynthAppearance;
  intended: Frequency;
  trainImageTarget: number;
  valImageTarget: number;
  testImageTarget: number;
}

export interface SynthPlan {
  options: SynthOptions;
  categories: SynthCategoryPlan[];
  train: SynthImageSpec[];
  val: SynthImageSpec[];
  /** The held-out test split (empty when `testImages` is 0). */
  test: SynthImageSpec[];
}

/** Categories drawn per image at most, and objects per image at most. */
const MAX_CATEGORIES_PER_IMAGE = 4;
const MAX_OBJECTS_PER_IMAGE = 7;

/** LVIS v1 bucket shares: 337 rare, 461 common, 405 frequent of 1203. */
const RARE_SHARE = 337 / 1203;
const COMMON_SHARE = 461 / 1203;

/**
 * Plans a long-tailed synthetic LVIS dataset: picks K appearances, gives each category a bucket
 * (rare/common/frequent in LVIS v1 proportions) and a target number of training images inside
 * that bucket's range (rare `rareMinImages`–`rareMaxImages` (LVIS: 1–10), common 11–100,
 * frequent > 100; log-spaced), then deals the categories out to images. Val (and test) targets
 * follow the train distribution scaled to the split's size, but never fewer than `minValImages`
 * (`minTestImages`). Every image gets its own seed; nothing is rendered here.
 */
export function planSynthDataset(options: SynthOptions): SynthPlan {
  validateOptions(options);
  const rng = new Rng(options.seed);
  const k = options.categories;
  const appearances = chooseAppearances(k, new Rng(rng.nextUint32()));
  const nRare = Math.round(RARE_SHARE * k);
  const nCommon = Math.round(COMMON_SHARE * k);
  const nFrequent = k - nRare - nCommon;
  const n = options.trainImages;
  const frequentTop = Math.max(130, Math.round(options.frequentMaxShare * n));
  const targets: Array<{ intended: Frequency; count: number }> = [
    ...logSpaced(nRare, options.rareMinImages, options.rareMaxImages).map((count) => ({ intended: 'r' as const, count })),
    ...logSpaced(nCommon, 12, 95).map((count) => ({ intended: 'c' as const, count })),
    ...logSpaced(nFrequent, 115, frequentTop).map((count) => ({ intended: 'f' as const, count })),
  ];
  // Which appearance gets which target is random, so category id says nothing about frequency.
  const assign = rng.permutation(k);
  // LVIS numbers categories in name order; so do we.
  const byName = appearances.map((_, i) => i).sort((a, b) => appearanceName(appearances[a]!).localeCompare(appearanceName(appearances[b]!)));
  const categories: SynthCategoryPlan[] = byName.map((ai, idx) => {
    const t = targets[assign[ai]!]!;
    const train = Math.min(n, t.count);
    const scaled = (images: number, min: number) => Math.min(images, Math.max(min, Math.round((t.count * images) / Math.max(1, n))));
    const val = scaled(options.valImages, options.minValImages);
    const test = scaled(options.testImages, options.minTestImages);
    return { id: idx + 1, appearance: appearances[ai]!, intended: t.intended, trainImageTarget: train, valImageTarget: val, testImageTarget: test };
  });
  const train = dealImages(categories.map((c) => c.trainImageTarget), n, 1, new Rng(rng.nextUint32()), options);
  const val = dealImages(categories.map((c) => c.valImageTarget), options.valImages, n + 1, new Rng(rng.nextUint32()), options);
  // Drawn last, so that adding a test split leaves train and val as they were.
  const test = options.testImages > 0
    ? dealImages(categories.map((c) => c.testImageTarget), options.testImages, n + options.valImages + 1, new Rng(rng.nextUint32()), options)
    : [];
  return { options, categories, train, val, test };
}

/** `count` integers log-spaced from `lo` to `hi` (inclusive), rounded. */
function logSpaced(count: number, lo: number, hi: number): number[] {
  if (count <= 0) return [];
  if (count === 1) return [Math.round(Math.sqrt(lo * hi))];
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(Math.round(Math.exp(Math.log(lo) + ((Math.log(hi) - Math.log(lo)) * i) / (count - 1))));
  return out;
}

/**
 * Deals each category c to `targets[c]` distinct images (most-wanted categories first, each to the
 * least-loaded images with a random tie-break), then gives each (image, category) 1–3 instances.
 */
function dealImages(targets: number[], nImages: number, firstId: number, rng: Rng, options: SynthOptions): SynthImageSpec[] {
  const cats: number[][] = Array.from({ length: nImages }, () => []);
  const order = targets.map((_, c) => c).sort((a, b) => targets[b]! - targets[a]! || a - b);
  const key = new Float64Array(nImages);
  const idx = Array.from({ length: nImages }, (_, i) => i);
  for (const c of order) {
    for (let i = 0; i < nImages; i++) key[i] = cats[i]!.length + rng.uniform(0, 1.5);
    idx.sort((a, b) => key[a]! - key[b]! || a - b);
    let given = 0;
    for (const i of idx) {
      if (given >= targets[c]!) break;
      if (cats[i]!.length >= MAX_CATEGORIES_PER_IMAGE) continue;
      cats[i]!.push(c);
      given++;
    }
  }
  return cats.map((cs, i) => {
    cs.sort((a, b) => a - b);
    const objects: SynthObjectSpec[] = [];
    for (const c of cs) {
      objects.push({ category: c, annotated: true });
      const extra = rng.next() < 0.3 ? (rng.next() < 0.35 ? 2 : 1) : 0;
      for (let e = 0; e < extra && objects.length < MAX_OBJECTS_PER_IMAGE; e++) objects.push({ category: c, annotated: true });
    }
    // Leave one instance of some multi-instance pairs unannotated (LVIS's "not exhaustive").
    for (const c of cs) {
      const mine = objects.filter((o) => o.category === c);
      if (mine.length >= 2 && rng.next() < options.notExhaustiveFraction) mine[mine.length - 1]!.annotated = false;
    }
    return { id: firstId + i, seed: rng.nextUint32(), objects };
  });
}

/** The allowed values of each synthetic-dataset option (also checked as `data.synth.*` in training configs). */
export const SYNTH_OPTION_RANGES: RangeTable = {
  seed: { int: true, min: 0, max: 2 ** 32 - 1 },
  categories: { int: true, min: 1, max: MAX_SYNTH_CATEGORIES },
  trainImages: { int: true, min: 1, max: 1_000_000 },
  valImages: { int: true, min: 1, max: 1_000_000 },
  testImages: { int: true, min: 0, max: 1_000_000 },
  minTestImages: { int: true, min: 0, max: 1_000_000 },
  rareMinImages: { int: true, min: 1, max: 10 },
  rareMaxImages: { int: true, min: 1, max: 10 },
  frequentMaxShare: { above: 0, max: 1 },
  size: { int: true, min: 32, max: 4096 },
  minValImages: { int: true, min: 0, max: 1_000_000 },
  negFraction: { min: 0, max: 1 },
  notExhaustiveFraction: { min: 0, max: 1 },
};

function validateOptions(o: SynthOptions): void {
  checkRanges(o, SYNTH_OPTION_RANGES, { prefix: 'synth options: ' });
  if (o.rareMaxImages < o.rareMinImages) {
    throw knobError(`must be ≥ rareMinImages (${o.rareMinImages}), got ${o.rareMaxImages}`, 'rareMaxImages', { prefix: 'synth options: ' });
  }
}
