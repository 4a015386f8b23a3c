import type { MatchResult } from './evaluateImage.js';
import { curveScratch, interpolatedPrecision } from './precisionRecall.js';
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
 * all images, by score descending (ties by image, then position), give the interpolated
 * precision–recall curve of `interpolatedPrecision` (precisionRecall.ts). Entries stay −1 for
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
  const precision = new Float64Array(T * R * K * A * M); // every entry is written by a tile flush
  const recall = new Float64Array(T * K * A * M).fill(-1);
  const { codes, numGt } = match;
  let maxN = 0;
  for (let k = 0; k < K; k++) maxN = Math.max(maxN, p.catDtStart[k + 1] - p.catDtStart[k]);
  const scratch = curveScratch(maxN);
  const sel = new Uint32Array(maxN);
  // This category's codes, gathered in accumulate order as [a][t][i]: sequential inner loops.
  const AT = A * T;
  const local = new Uint8Array(maxN * AT);
  // Precision is written through a tile of TK categories laid out like a slab of the output
  // ([T][R][TK][A][M]), then copied row by row: the 101 strided writes per curve stay in cache.
  const TK = 16;
  const rowLen = A * M;
  const tile = new Float64Array(T * R * TK * rowLen);
  const flush = (k0: number, nk: number): void => copyTileRows(tile, precision, T * R, TK * rowLen, nk * rowLen, K * rowLen, k0 * rowLen);

  for (let k = 0; k < K; k++) {
    if (k % TK === 0) {
      if (k > 0) flush(k - TK, TK);
      tile.fill(-1);
    }
    if (!p.catHasPair[k]) continue;
    let anyGt = false;
    for (let a = 0; a < A; a++) if (numGt[k * A + a] !== 0) anyGt = true;
    if (!anyGt) continue;
    const s = p.catDtStart[k], e = p.catDtStart[k + 1];
    for (let m = 0; m < M; m++) {
      let n = 0;
      if (maxDets) {
        const cut = maxDets[m];
        for (let j = s; j < e; j++) if (p.dtRank[p.catDt[j]] < cut) sel[n++] = p.catDt[j];
      } else {
        for (let j = s; j < e; j++) sel[n++] = p.catDt[j];
      }
      for (let i = 0; i < n; i++) {
        const src = sel[i] * AT;
        for (let at = 0; at < AT; at++) local[at * n + i] = codes[src + at];
      }
      for (let a = 0; a < A; a++) {
        const ng = numGt[k * A + a];
        if (ng === 0) continue;
        for (let t = 0; t < T; t++) {
          const pbase = t * R * TK * rowLen + ((k % TK) * A + a) * M + m;
          recall[((t * K + k) * A + a) * M + m] = interpolatedPrecision(local, (a * T + t) * n, n, ng, recThrs, scratch, tile, pbase, TK * rowLen);
        }
      }
    }
  }
  if (K > 0) flush(K - 1 - ((K - 1) % TK), ((K - 1) % TK) + 1);
  const precShape = maxDets ? [T, R, K, A, M] : [T, R, K, A];
  const recShape = maxDets ? [T, K, A, M] : [T, K, A];
  return { precision: { data: precision, shape: precShape }, recall: { data: recall, shape: recShape } };
}

/** Row i of the tile (`len` of its `tileStride` values) → `out[i*outStride + off ..]`: a plain loop, no per-row `set`. */
function copyTileRows(tile: Float64Array, out: Float64Array, rows: number, tileStride: number, len: number, outStride: number, off: number): void {
  for (let i = 0; i < rows; i++) {
    const src = i * tileStride;
    const dst = i * outStride + off;
    for (let j = 0; j < len; j++) out[dst + j] = tile[src + j];
  }
}
