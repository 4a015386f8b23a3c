import type { NdArray } from './accumulate.js';
import { meanOfDefined, pairwiseSum } from './numpyMath.js';

export interface Selection {
  /** IoU threshold indices (all when omitted). */
  t?: number[];
  /** Category indices (all when omitted). */
  k?: number[];
  a: number;
  /** maxDets index (COCO arrays only). */
  m?: number;
}

/** The axes of a precision `[T,R,K,A(,M)]` (withRecallAxis) or recall `[T,K,A(,M)]` array; R = M = 1 where absent. */
function dimsOf(arr: NdArray, withRecallAxis: boolean): { T: number; R: number; K: number; A: number; M: number } {
  const sh = arr.shape;
  return {
    T: sh[0]!,
    R: withRecallAxis ? sh[1]! : 1,
    K: withRecallAxis ? sh[2]! : sh[1]!,
    A: withRecallAxis ? sh[3]! : sh[2]!,
    M: sh.length === (withRecallAxis ? 5 : 4) ? sh[sh.length - 1]! : 1,
  };
}

/**
 * `np.mean(s[s > -1])` (−1 when empty) over a selection of the precision `[T,R,K,A(,M)]`
 * (`withRecallAxis`) or recall `[T,K,A(,M)]` array, visiting entries in numpy's C order
 * (t, then r, then k) so the pairwise sum matches numpy bit for bit.
 */
export function summarizeSelection(arr: NdArray, withRecallAxis: boolean, sel: Selection, scratch?: Float64Array): number {
  const { T, R, K, A, M } = dimsOf(arr, withRecallAxis);
  const m = sel.m ?? 0;
  const ts = sel.t ?? range(T);
  const ks = sel.k ?? range(K);
  const need = ts.length * R * ks.length;
  const buf = scratch && scratch.length >= need ? scratch : new Float64Array(need);
  let n = 0;
  const d = arr.data;
  // lvis-api / COCOeval write all T×R entries of a (category, area, maxDets) cell or none, so
  // one entry tells whether a category is defined; undefined ones (all −1) add nothing.
  const live: number[] = [];
  for (const k of ks) if (d[(k * A + sel.a) * M + m] > -1) live.push(k);
  const a = sel.a;
  const liveArr = Int32Array.from(live);
  for (const t of ts) n = gatherRows(d, t, R, K, A, M, a, m, liveArr, buf, n);
  return meanOfDefined(buf, n);
}

/** Appends `d[t, r, k, a, m]` for r in 0..R, k in `live` (C order) to `buf` from `n`; returns the new length. */
function gatherRows(
  d: Float64Array, t: number, R: number, K: number, A: number, M: number, a: number, m: number,
  live: Int32Array, buf: Float64Array, n: number,
): number {
  const L = live.length;
  for (let r = 0; r < R; r++) {
    const base = (t * R + r) * K;
    for (let j = 0; j < L; j++) buf[n++] = d[((base + live[j]) * A + a) * M + m];
  }
  return n;
}

/**
 * `summarizeSelection` on the precision array for several selections at once, in one pass over
 * the array instead of one per selection. Each selection's defined values are summed as they
 * come, in 8192-value blocks by numpy's pairwise sum — the order `np.sum` adds them in — so each
 * result is the identical double.
 */
export function summarizePrecisionMany(arr: NdArray, sels: Selection[]): number[] {
  const sh = arr.shape;
  const T = sh[0], R = sh[1], K = sh[2], A = sh[3];
  const M = sh.length === 5 ? sh[4] : 1;
  const S = sels.length;
  const tOn = sels.map((s) => {
    const on = new Uint8Array(T);
    for (const t of s.t ?? range(T)) on[t] = 1;
    return on;
  });
  const kList = sels.map((s) => Int32Array.from(s.k ?? range(K)));
  const off = Int32Array.from(sels, (s) => s.a * M + (s.m ?? 0));
  const blocks = sels.map(() => new Float64Array(BLOCK));
  const fill = new Int32Array(S);
  const count = new Float64Array(S);
  const sum = new Float64Array(S);
  const d = arr.data;
  for (let t = 0; t < T; t++) {
    for (let r = 0; r < R; r++) {
      const base = (t * R + r) * K;
      for (let j = 0; j < S; j++) {
        if (!tOn[j][t]) continue;
        fill[j] = appendDefined(d, base, A * M, off[j], kList[j], blocks[j], fill[j], sum, count, j);
      }
    }
  }
  const out: number[] = [];
  for (let j = 0; j < S; j++) {
    const total = fill[j] > 0 ? sum[j] + pairwiseSum(blocks[j], 0, fill[j]) : sum[j];
    out.push(count[j] === 0 ? -1 : total / count[j]);
  }
  return out;
}

/** numpy's reduction block (`np.sum` adds the pairwise sums of consecutive 8192-value blocks). */
const BLOCK = 8192;

/** Appends the defined values `d[(base + k) * stride + off]`, k in `ks`, to selection j's block; returns its fill. */
function appendDefined(
  d: Float64Array, base: number, stride: number, off: number, ks: Int32Array,
  block: Float64Array, fill: number, sum: Float64Array, count: Float64Array, j: number,
): number {
  for (let i = 0; i < ks.length; i++) {
    const v = d[(base + ks[i]) * stride + off];
    if (!(v > -1)) continue;
    block[fill++] = v;
    count[j]++;
    if (fill === BLOCK) {
      sum[j] += pairwiseSum(block, 0, BLOCK);
      fill = 0;
    }
  }
  return fill;
}

export function range(n: number): number[] {
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

/**
 * Per category k: `np.mean(s[s > -1])` of `s = precision[ts, :, k, a, m]` (withRecallAxis) or
 * `recall[ts, k, a, m]`, or −1 — the per-category AP / AR of detectron2's LVIS/COCO evaluators.
 */
export function perCategoryMeans(arr: NdArray, withRecallAxis: boolean, a: number, m: number, ts?: number[]): Float64Array {
  const { T, R, K, A, M } = dimsOf(arr, withRecallAxis);
  const tArr = Int32Array.from(ts ?? range(T));
  const n = tArr.length * R;
  // Categories in blocks of KB: the values of a block lie side by side in each (t, r) row, so
  // they are gathered row by row (sequential reads) into per-category runs of the buffer.
  const KB = 64;
  const buf = new Float64Array(KB * n);
  const out = new Float64Array(K);
  const d = arr.data;
  for (let k0 = 0; k0 < K; k0 += KB) {
    const nk = Math.min(KB, K - k0);
    gatherCategoryBlock(d, tArr, R, K, A, M, k0, nk, a, m, buf, n);
    for (let j = 0; j < nk; j++) out[k0 + j] = meanOfDefined(buf.subarray(j * n, (j + 1) * n), n);
  }
  return out;
}

/** For k in k0..k0+nk: `d[t, r, k, a, m]` for t in `ts`, r in 0..R (C order) into `buf[(k-k0)*n ..]`. */
function gatherCategoryBlock(
  d: Float64Array, ts: Int32Array, R: number, K: number, A: number, M: number, k0: number, nk: number,
  a: number, m: number, buf: Float64Array, n: number,
): void {
  let i = 0;
  for (let ti = 0; ti < ts.length; ti++) {
    const t = ts[ti];
    for (let r = 0; r < R; r++, i++) {
      const base = (t * R + r) * K + k0;
      for (let j = 0; j < nk; j++) buf[j * n + i] = d[((base + j) * A + a) * M + m];
    }
  }
}
