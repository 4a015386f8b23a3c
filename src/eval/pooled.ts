import { FALSE_POSITIVE, TRUE_POSITIVE, type MatchResult } from './evaluateImage.js';
import { PRECISION_EPS } from './params.js';
import type { PreparedEval } from './prepare.js';
import { radixSortByKeyDesc } from './radixSort.js';
import { meanOfDefined } from './numpyMath.js';

/**
 * Pooled AP (Dave et al. 2021, `LVISPooledEval`): matching is per category as usual, but the
 * precision/recall curve of a pool of categories is built from all their detections at once — by
 * score descending, ties by image, then category, then rank within the pair (the pool's records
 * concatenated image by image, then `argsort(-score, kind='mergesort')`) — against the pool's
 * total non-ignored GT. Returns, per pool, the mean of the defined entries of its `[T, R]`
 * precision at area "all" (−1 when the pool has no detections-or-GT pair or no GT).
 */
export function pooledAp(p: PreparedEval, match: MatchResult, T: number, recThrs: Float64Array, A: number, pools: number[][]): number[] {
  const K = p.gt.catIds.length;
  const inPool = new Uint8Array(K);
  const R = recThrs.length;
  const out: number[] = [];
  const prec = new Float64Array(T * R);
  for (const pool of pools) {
    inPool.fill(0);
    let hasPair = false;
    let ng = 0;
    for (const k of pool) {
      inPool[k] = 1;
      if (p.catHasPair[k]) hasPair = true;
      ng += match.numGt[k * A];
    }
    if (!hasPair || ng === 0) {
      out.push(-1);
      continue;
    }
    // Detections in pair order (image, category, rank) restricted to the pool, then stably by score.
    let n = 0;
    const sel = new Uint32Array(p.numDt);
    for (let q = 0; q < p.numPairs; q++) {
      if (!inPool[p.pairCat[q]]) continue;
      for (let d = p.pairDtStart[q]; d < p.pairDtStart[q + 1]; d++) sel[n++] = d;
    }
    const order = radixSortByKeyDesc(sel.subarray(0, n), p.dtScore);
    for (let t = 0; t < T; t++) curveAt(match.codes, order, A, T, t, ng, recThrs, prec, t * R);
    out.push(meanOfDefined(prec, T * R));
  }
  return out;
}

/** Interpolated precision at each recall threshold for IoU threshold t, area "all" (as `accumulate`). */
function curveAt(codes: Uint8Array, order: Uint32Array, A: number, T: number, t: number, ng: number, recThrs: Float64Array, out: Float64Array, off: number): void {
  const n = order.length;
  const rc = new Float64Array(n);
  const pr = new Float64Array(n);
  let tp = 0, fp = 0, ne = 0;
  for (let i = 0; i < n; i++) {
    const c = codes[order[i] * A * T + t]; // area index 0
    if (c === TRUE_POSITIVE) {
      tp++;
      rc[ne] = tp / ng;
      pr[ne] = tp / (fp + tp + PRECISION_EPS);
      ne++;
    } else if (c === FALSE_POSITIVE) fp++;
  }
  for (let i = ne - 1; i > 0; i--) if (pr[i] > pr[i - 1]) pr[i - 1] = pr[i];
  let i = 0;
  for (let r = 0; r < recThrs.length; r++) {
    while (i < ne && rc[i] < recThrs[r]) i++;
    out[off + r] = i < ne ? pr[i] : 0;
  }
}
