import { FALSE_POSITIVE, TRUE_POSITIVE } from './evaluateImage.js';
import { PRECISION_EPS } from './params.js';

/** Scratch for {@link interpolatedPrecision}: recall and precision at each true positive (length ≥ the longest list). */
export interface CurveScratch {
  rc: Float64Array;
  pr: Float64Array;
}

export function curveScratch(maxDetections: number): CurveScratch {
  return { rc: new Float64Array(maxDetections), pr: new Float64Array(maxDetections) };
}

/**
 * The precision–recall curve of one ranked list of match codes (`codes[start .. start + n)`, by
 * score descending) against `numGt` non-ignored ground truths, as lvis-api / COCOeval `accumulate`:
 * recall `tp/numGt`, precision `tp/(tp+fp+eps)` made non-increasing from the right, read at each
 * recall threshold (`searchsorted(rc, r, 'left')`, 0 past the end) into `out[off + r·stride]`.
 * Returns the final recall (0 without a true positive).
 *
 * Only true / false positives move the curve: an ignored detection repeats the previous (rc, pr)
 * point (or (0, 0) first), which changes neither the right-to-left maximum nor the first index
 * searchsorted finds — so events alone give identical output. Of those, only true positives
 * matter: recall steps up only there, so every threshold r > 0 is first reached at one; a false
 * positive's precision tp/(tp+fp+eps) is never above the previous point's (monotone division), so
 * it never raises a right-to-left maximum; and at r = 0 (index 0) the maximum over all points
 * equals the maximum over the true positives, or 0 when there are none (then every point is 0).
 * So rc and pr are computed at true positives only, with the same expressions: identical doubles.
 */
export function interpolatedPrecision(
  codes: Uint8Array,
  start: number,
  n: number,
  numGt: number,
  recThrs: Float64Array,
  scratch: CurveScratch,
  out: Float64Array,
  off: number,
  stride: number,
): number {
  const { rc, pr } = scratch;
  let tp = 0, fp = 0, ne = 0;
  for (let i = start, end = start + n; i < end; i++) {
    const c = codes[i];
    if (c === TRUE_POSITIVE) {
      tp++;
      rc[ne] = tp / numGt;
      pr[ne] = tp / (fp + tp + PRECISION_EPS);
      ne++;
    } else if (c === FALSE_POSITIVE) fp++;
  }
  for (let i = ne - 1; i > 0; i--) if (pr[i] > pr[i - 1]) pr[i - 1] = pr[i];
  let i = 0;
  for (let r = 0, R = recThrs.length; r < R; r++) {
    const thr = recThrs[r];
    while (i < ne && rc[i] < thr) i++;
    out[off + r * stride] = i < ne ? pr[i] : 0;
  }
  return ne > 0 ? rc[ne - 1] : 0;
}
