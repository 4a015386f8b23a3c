import type { MatchResult } from './evaluateImage.js';
import { curveScratch, interpolatedPrecision } from './precisionRecall.js';
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
    // this pool's codes at area "all", in score order, one IoU threshold at a time
    const local = new Uint8Array(n), scratch = curveScratch(n), AT = A * T;
    for (let t = 0; t < T; t++) {
      for (let i = 0; i < n; i++) local[i] = match.codes[order[i] * AT + t]; // area index 0
      interpolatedPrecision(local, 0, n, ng, recThrs, scratch, prec, t * R, 1);
    }
    out.push(meanOfDefined(prec, T * R));
  }
  return out;
}
