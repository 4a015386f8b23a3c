/**
 * Repeat factor sampling (RFS), exactly as the LVIS paper (Gupta et al. 2019, appendix B.2) and
 * detectron2's `RepeatFactorTrainingSampler` define it:
 *   f(c) = fraction of training images that contain category c (each image counted once),
 *   r(c) = max(1, sqrt(t / f(c)))        (or max(1, t / f(c)) with `sqrt: false`),
 *   r(I) = max over the categories c in I of r(c), and 1 for an image without annotations.
 */
import { BalmsInputError } from '../util/errors.js';
import { indexItemClasses, type ItemClasses, type ItemClassesInput } from './itemClasses.js';

export interface RepeatFactorOptions {
  /** t; default 0.001 (the LVIS configs). Categories in more than a fraction t of images get r = 1. */
  threshold?: number;
  /** Take the square root of t / f(c) (default true, as in the LVIS paper). */
  sqrt?: boolean;
}

function toIndex(input: ItemClassesInput | ItemClasses): ItemClasses {
  return 'classItemCount' in input && 'itemStart' in input ? (input as ItemClasses) : indexItemClasses(input as ItemClassesInput);
}

function checkOptions(opts: RepeatFactorOptions): { t: number; sqrt: boolean } {
  const t = opts.threshold ?? 0.001;
  if (!Number.isFinite(t) || t < 0) throw new BalmsInputError(`repeat factor threshold must be a finite number ≥ 0, got ${t}`);
  return { t, sqrt: opts.sqrt ?? true };
}

/** f(c) for every class id c < numClasses (0 for a class in no image). */
export function categoryImageFrequency(imageCategories: ItemClassesInput | ItemClasses): Float64Array {
  const ix = toIndex(imageCategories);
  const f = new Float64Array(ix.numClasses);
  for (let c = 0; c < ix.numClasses; c++) f[c] = ix.numItems > 0 ? ix.classItemCount[c]! / ix.numItems : 0;
  return f;
}

/** r(c) for every class id (1 for a class in no image: it never decides an image's factor). */
export function categoryRepeatFactors(
  imageCategories: ItemClassesInput | ItemClasses,
  opts: RepeatFactorOptions = {},
): Float64Array {
  const { t, sqrt } = checkOptions(opts);
  const f = categoryImageFrequency(imageCategories);
  const r = new Float64Array(f.length);
  for (let c = 0; c < f.length; c++) {
    const fc = f[c]!;
    r[c] = fc > 0 ? Math.max(1, sqrt ? Math.sqrt(t / fc) : t / fc) : 1;
  }
  return r;
}

/**
 * r(I) for every image, from each image's category ids (`number[][]`, in dataset order; use
 * `imageCategorySets(dataset)` for an LVIS/COCO JSON). Pure.
 *
 * @example repeatFactors([[1], [1, 2], [3], []], { threshold: 0.5 }) // → [1, 1, 1.2247…, 1]
 */
export function repeatFactors(
  imageCategories: ItemClassesInput | ItemClasses,
  opts: RepeatFactorOptions = {},
): Float64Array {
  const ix = toIndex(imageCategories);
  const rc = categoryRepeatFactors(ix, opts);
  return imageFactorsFromClassFactors(ix, rc, 1);
}

/** max over each image's classes of `classFactor[c]`, `emptyFactor` for an image with no class. */
export function imageFactorsFromClassFactors(
  ix: ItemClasses,
  classFactor: ArrayLike<number>,
  emptyFactor: number,
): Float64Array {
  const out = new Float64Array(ix.numItems);
  for (let i = 0; i < ix.numItems; i++) {
    const a = ix.itemStart[i]!, b = ix.itemStart[i + 1]!;
    if (a === b) {
      out[i] = emptyFactor;
      continue;
    }
    let m = -Infinity;
    for (let k = a; k < b; k++) m = Math.max(m, classFactor[ix.itemClassIds[k]!]!);
    out[i] = m;
  }
  return out;
}
