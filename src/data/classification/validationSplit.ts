/**
 * A validation split carved from a training set: `perClass` images of every class held out (a
 * class-balanced val set for choosing settings), the rest left for training. Carve it from the full
 * train set before drawing a long-tailed profile from the rest (`longTailedSubset(set, { from: train })`),
 * so the val images never appear in training; n_max is then 5,000 − perClass on CIFAR-10 unless given.
 */
import { BalmsInputError } from '../../util/errors.js';
import { Rng } from '../../util/rng.js';
import { indicesByClass, type ImageClassificationSet } from './imageSet.js';

export interface ValidationCarveOptions {
  /** Images of each class held out for validation. */
  readonly perClass: number;
  readonly seed: number;
}

/**
 * `{ train, val }`: disjoint ascending indices into `set` covering it; `val` holds `perClass` images
 * of each class, chosen by a seeded shuffle of the class (one `Rng(seed)`, classes in label order).
 * A class with no more than `perClass` images (nothing left to train on) is an input error.
 */
export function carveValidation(set: ImageClassificationSet, opts: ValidationCarveOptions): { train: Int32Array; val: Int32Array } {
  if (!(Number.isInteger(opts.perClass) && opts.perClass >= 0)) throw new BalmsInputError(`perClass must be a non-negative integer, got ${opts.perClass}`);
  const byClass = indicesByClass(set.labels, set.classNames.length);
  const rng = new Rng(opts.seed);
  const train: number[] = [];
  const val: number[] = [];
  byClass.forEach((pool, c) => {
    if (pool.length <= opts.perClass) {
      throw new BalmsInputError(`class ${c} (${set.classNames[c]}) has ${pool.length} images; holding out ${opts.perClass} for validation would leave none to train on`);
    }
    const shuffled = rng.shuffle(Int32Array.from(pool));
    for (let k = 0; k < shuffled.length; k++) (k < opts.perClass ? val : train).push(shuffled[k]!);
  });
  return { train: Int32Array.from(train).sort(), val: Int32Array.from(val).sort() };
}
