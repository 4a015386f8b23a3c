/**
 * The class distribution a sampler feeds training. A Balanced Softmax prior must describe the
 * labels the classifier actually sees (Ren et al. 2020, §3.1: the shift is log of the *training*
 * class prior). With re-sampling (RFS, class-aware), an image drawn r(I) times contributes r(I)
 * times, so the prior's counts become  ñ_c = Σ_{I ∋ c} E[draws of I],  rescaled so that
 * Σ_I E[draws of I] = N (the dataset's epoch). With instance-balanced sampling ñ_c = n_c (the
 * dataset's image_count). Using raw counts under RFS would correct the long tail twice
 * (over-balancing, the failure the Meta Sampler paper sets out to avoid).
 */
import { BalmsInputError } from '../util/errors.js';
import { indexItemClasses, type ItemClassesInput } from './itemClasses.js';

/**
 * ñ_c = N · Σ_{i ∋ c} d_i / Σ_i d_i for item class sets and expected draws d (length N).
 * @param numClasses fixes the class range (classes without items get 0)
 */
export function sampledClassCounts(itemClasses: ItemClassesInput, expectedDraws: ArrayLike<number>, numClasses?: number): Float64Array {
  const ix = indexItemClasses(itemClasses, numClasses);
  if (expectedDraws.length !== ix.numItems) {
    throw new BalmsInputError(`sampledClassCounts: ${expectedDraws.length} expected draws for ${ix.numItems} items`);
  }
  let total = 0;
  for (let i = 0; i < ix.numItems; i++) {
    const d = expectedDraws[i]!;
    if (!(Number.isFinite(d) && d >= 0)) throw new BalmsInputError(`sampledClassCounts: expectedDraws[${i}] = ${d} is not a number ≥ 0`);
    total += d;
  }
  if (!(total > 0)) throw new BalmsInputError('sampledClassCounts: no item is ever drawn');
  const scale = ix.numItems / total;
  const out = new Float64Array(ix.numClasses);
  for (let i = 0; i < ix.numItems; i++) {
    const d = expectedDraws[i]! * scale;
    for (let k = ix.itemStart[i]!; k < ix.itemStart[i + 1]!; k++) out[ix.itemClassIds[k]!]! += d;
  }
  return out;
}
