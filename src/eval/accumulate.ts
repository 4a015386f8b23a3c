import { FALSE_POSITIVE, TRUE_POSITIVE, type MatchResult } from './evaluateImage.js';
import { PRECISION_EPS } from './params.js';
import type { PreparedEval } from './prepare.js';

/** A dense row-major array with numpy's index order. */
export interface NdArray {
  data: Float64Array;
  shape: number[];
}

export interface Accumulated {
  /** `[T, R, K, A]` (LVIS) or `[T, R, K, A, M]` (COCO); −1 where undefined. */
  precision: NdArray;
  /** `[T, K, A]` (LVIS) or `[T, K, A, M]` (COCO); −1 where undefined. */
  recall: NdArray;
}

/**
 * lvis-api `accumulate` / COCOeval `accumulate`. Per category and area range the detections of
 * all images, by score descending (ties by image, then position), give cumulative tp / fp counts;
 * recall `tp/numGt`, precision `tp/(tp+fp+eps)` made non-increasing from the right, then read at
 * each recall threshold (`searchsorted(rc, r, 'left')`, 0 past the end). Entries stay −1 for
 * categories without any pair or without non-ignored GT. `maxDets` (COCO) keeps the first
 * `maxDets[m]` detections of each pair; LVIS passes `null` (no per-pair cut).
 */
export function accumulate(
  p: PreparedEval,
  match: MatchResult,
  T: number,
  recThrs: Float64Array,
  A: number,
  maxDets: number[] | null,
): Accumulated {
  const K = p.gt.catIds.length;
  const R = recThrs.length;
  const M = maxDets ? maxDets.length : 1;
  const precision = new Float64Array(T * R * K * A * M).fill(-1);
  const recall = new Float64Array(T * K * A * M).fill(-1);
  const { codes, numGt } = match;
  let maxN = 0;
  for (let k = 0; k < K; k++) maxN = Math.max(maxN, p.catDtStart[k + 1] - p.catDtStart[k]);
  const rc = new Float64Array(maxN);
  const pr = new Float64Array(maxN);
  const sel = new Uint32Array(maxN);

  for (let k = 0; k < K; k++) {
    if (!p.catHasPair[k]) continue;
    const s = p.catDtStart[k], e = p.catDtStart[k + 1];
    for (let m = 0; m < M; m++) {
      let n = 0;
      if (maxDets) {
        const cut = maxDets[m];
        for (let j = s; j < e; j++) if (p.dtRank[p.catDt[j]] < cut) sel[n++] = p.catDt[j];
      } else {
        for (let j = s; j < e; j++) sel[n++] = p.catDt[j];
      }
      for (let a = 0; a < A; a++) {
        const ng = numGt[k * A + a];
        if (ng === 0) continue;
        for (let t = 0; t < T; t++) {
          let tp = 0, fp = 0;
          for (let i = 0; i < n; i++) {
            const c = codes[(sel[i] * A + a) * T + t];
            if (c === TRUE_POSITIVE) tp++;
            else if (c === FALSE_POSITIVE) fp++;
            rc[i] = tp / ng;
            pr[i] = tp / (fp + tp + PRECISION_EPS);
          }
          recall[((t * K + k) * A + a) * M + m] = n > 0 ? rc[n - 1] : 0;
          for (let i = n - 1; i > 0; i--) if (pr[i] > pr[i - 1]) pr[i - 1] = pr[i];
          let i = 0;
          for (let r = 0; r < R; r++) {
            const thr = recThrs[r];
            while (i < n && rc[i] < thr) i++;
            precision[((((t * R + r) * K + k) * A + a) * M) + m] = i < n ? pr[i] : 0;
          }
        }
      }
    }
  }
  const precShape = maxDets ? [T, R, K, A, M] : [T, R, K, A];
  const recShape = maxDets ? [T, K, A, M] : [T, K, A];
  return { precision: { data: precision, shape: precShape }, recall: { data: recall, shape: recShape } };
}
