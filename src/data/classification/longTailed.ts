/**
 * Long-tailed subsets with the official exponential profile of the CIFAR-LT benchmarks (Cui et al.
 * 2019; LDAM-DRW's `IMBALANCECIFAR10`, used by Balanced Meta-Softmax): class i keeps
 * n_i = floor(n_max · IF^(−i/(C−1))) images, class 0 the most, class C−1 n_max / IF. Each class's
 * images are a seeded shuffle's first n_i, as in the official code.
 */
import { BalmsInputError } from '../../util/errors.js';
import { Rng } from '../../util/rng.js';
import { indicesByClass, type ImageClassificationSet } from './imageSet.js';

/** The per-class counts of the exponential profile: `floor(nMax · IF^(−i/(C−1)))` for i = 0 … C−1. */
export function longTailedCounts(nMax: number, numClasses: number, imbalanceFactor: number): Int32Array {
  if (!(Number.isInteger(nMax) && nMax >= 1)) throw new BalmsInputError(`nMax must be a positive integer, got ${nMax}`);
  if (!(Number.isInteger(numClasses) && numClasses >= 1)) throw new BalmsInputError(`numClasses must be a positive integer, got ${numClasses}`);
  if (!(Number.isFinite(imbalanceFactor) && imbalanceFactor >= 1)) throw new BalmsInputError(`imbalanceFactor must be ≥ 1, got ${imbalanceFactor}`);
  const counts = new Int32Array(numClasses);
  for (let i = 0; i < numClasses; i++) {
    counts[i] = Math.floor(nMax * imbalanceFactor ** (numClasses === 1 ? 0 : -i / (numClasses - 1)));
  }
  if (counts[numClasses - 1] === 0) throw new BalmsInputError(`the long-tailed profile leaves class ${numClasses - 1} no images (n_max ${nMax} < IF ${imbalanceFactor})`);
  return counts;
}

export interface LongTailedOptions {
  /** n_max / n_min, e.g. 100 or 200. */
  readonly imbalanceFactor: number;
  readonly seed: number;
  /** Images of class 0; default the fewest images any class has in the pool (5,000 on the whole CIFAR-10 train set). */
  readonly nMax?: number;
  /**
   * The pool to draw from (indices into `set`), e.g. the `train` of `carveValidation`; default all
   * images. With a carved val split of `perClass` images, n_max is then 5,000 − perClass unless given.
   */
  readonly from?: Int32Array;
}

/**
 * The indices (into `set`, ascending) of a long-tailed subset: class i keeps `longTailedCounts(…)[i]`
 * of its pool images, chosen by a seeded shuffle of that class (one `Rng(seed)`, classes in label
 * order). A class with fewer pool images than its count is an input error.
 */
export function longTailedSubset(set: ImageClassificationSet, opts: LongTailedOptions): Int32Array {
  const numClasses = set.classNames.length;
  const byClass = indicesByClass(set.labels, numClasses, opts.from);
  const nMax = opts.nMax ?? byClass.reduce((m, c) => Math.min(m, c.length), Infinity);
  const counts = longTailedCounts(nMax, numClasses, opts.imbalanceFactor);
  const rng = new Rng(opts.seed);
  const chosen: number[] = [];
  byClass.forEach((pool, c) => {
    if (pool.length < counts[c]!) {
      throw new BalmsInputError(`class ${c} (${set.classNames[c]}) has ${pool.length} images, fewer than the ${counts[c]} the long-tailed profile (n_max ${nMax}, IF ${opts.imbalanceFactor}) needs`);
    }
    const shuffled = rng.shuffle(Int32Array.from(pool));
    for (let k = 0; k < counts[c]!; k++) chosen.push(shuffled[k]!);
  });
  return Int32Array.from(chosen).sort();
}
