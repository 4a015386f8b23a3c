import type { PairIou } from './computeIou.js';
import { MAX_MATCH_IOU, type AreaRange } from './params.js';
import type { PreparedEval } from './prepare.js';

/** Outcome codes per (detection, area range, IoU threshold). */
export const IGNORED = 0;
export const TRUE_POSITIVE = 1;
export const FALSE_POSITIVE = 2;

export interface MatchResult {
  /** `codes[(d * A + a) * T + t]`, d in pair order: IGNORED, TRUE_POSITIVE or FALSE_POSITIVE. */
  codes: Uint8Array;
  /** Non-ignored GT per category and area range: `numGt[k * A + a]`. */
  numGt: Float64Array;
}

/**
 * lvis-api `evaluate_img` / COCOeval `evaluateImg` for every (image, category) pair and area range.
 * GT are stably ordered non-ignored first; each detection, in score order, greedily takes the
 * best still-free GT with IoU ≥ min(t, 1−1e-10) (a later GT wins on equal IoU), stopping at the
 * first ignored GT once a non-ignored one is held; crowd GT (COCO) can be taken again. Unmatched
 * detections out of the area range or in a not-exhaustive category are ignored; a match to an
 * ignored GT is ignored; a match to a GT whose id is 0 counts as unmatched (lvis-api stores ids).
 */
export function evaluatePairs(p: PreparedEval, iouThrs: Float64Array, areas: AreaRange[], pairIou: PairIou): MatchResult {
  const T = iouThrs.length;
  const A = areas.length;
  const K = p.gt.catIds.length;
  const codes = new Uint8Array(p.numDt * A * T);
  const numGt = new Float64Array(K * A);
  const gt = p.gt;
  let order = new Int32Array(64 * A); // per area: GT positions, non-ignored first
  let ign = new Uint8Array(64 * A); // per area: ignore flag of each GT (pair order)
  let matched = new Uint8Array(64);
  let crowdSorted = new Uint8Array(64);
  let match = new Int32Array(64 * A * T); // per area: [t][d] → matched position in `order`, or −1
  const source = new Int32Array(A); // the area whose matching this area reuses
  const thr = new Float64Array(T);
  for (let t = 0; t < T; t++) thr[t] = Math.min(iouThrs[t], MAX_MATCH_IOU);

  for (let q = 0; q < p.numPairs; q++) {
    const g0 = p.pairGtStart[q], G = p.pairGtStart[q + 1] - g0;
    const d0 = p.pairDtStart[q], D = p.pairDtStart[q + 1] - d0;
    const k = p.pairCat[q];
    const ious = G > 0 && D > 0 ? pairIou(q) : null;
    if (matched.length < G) {
      order = new Int32Array(2 * G * A);
      ign = new Uint8Array(2 * G * A);
      matched = new Uint8Array(2 * G);
      crowdSorted = new Uint8Array(2 * G);
    }
    if (match.length < A * T * D) match = new Int32Array(2 * A * T * D);
    for (let a = 0; a < A; a++) {
      const lo = areas[a].lo, hi = areas[a].hi;
      const ob = a * G;
      // Stable: non-ignored GT first, then ignored.
      let nn = 0;
      for (let g = 0; g < G; g++) {
        const ar = gt.area[g0 + g];
        const ig = gt.ignore[g0 + g] || ar < lo || ar > hi ? 1 : 0;
        ign[ob + g] = ig;
        if (!ig) order[ob + nn++] = g;
      }
      let m2 = nn;
      for (let g = 0; g < G; g++) if (ign[ob + g]) order[ob + m2++] = g;
      numGt[k * A + a] += nn;
      if (D === 0) continue;

      // Matching depends on the area range only through the GT ignore flags: an area with the
      // same flags as an earlier one (e.g. "all" and the range every GT falls in) reuses it.
      let src = a;
      for (let b = 0; b < a && src === a; b++) {
        let same = true;
        for (let g = 0; g < G && same; g++) if (ign[b * G + g] !== ign[ob + g]) same = false;
        if (same) src = source[b];
      }
      source[a] = src;
      const mb = src * T * D;
      if (src === a) {
        for (let gi = 0; gi < G; gi++) crowdSorted[gi] = gt.crowd[g0 + order[ob + gi]];
        for (let t = 0; t < T; t++) {
          matched.fill(0, 0, G);
          const th = thr[t];
          for (let d = 0; d < D; d++) {
            let best = th;
            let m = -1;
            if (ious !== null) {
              const row = d * G;
              for (let gi = 0; gi < G; gi++) {
                if (matched[gi] && !crowdSorted[gi]) continue;
                if (m > -1 && m < nn && gi >= nn) break;
                const v = ious[row + order[ob + gi]];
                if (v < best) continue;
                best = v;
                m = gi;
              }
              if (m >= 0) matched[m] = 1;
            }
            match[mb + t * D + d] = m;
          }
        }
      }
      for (let d = 0; d < D; d++) {
        const di = d0 + d;
        const ar = p.dtArea[di];
        const maskIgnore = ar < lo || ar > hi || p.dtNotExhaustive[di] !== 0;
        const cb = (di * A + a) * T;
        for (let t = 0; t < T; t++) {
          const m = match[mb + t * D + d];
          let code: number;
          if (m >= 0) {
            const matchIgnored = m >= nn;
            if (gt.id[g0 + order[ob + m]] !== 0) code = matchIgnored ? IGNORED : TRUE_POSITIVE;
            else code = matchIgnored || maskIgnore ? IGNORED : FALSE_POSITIVE;
          } else {
            code = maskIgnore ? IGNORED : FALSE_POSITIVE;
          }
          codes[cb + t] = code;
        }
      }
    }
  }
  return { codes, numGt };
}
