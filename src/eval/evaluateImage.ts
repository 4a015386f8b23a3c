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
export function evaluatePairs(
  p: PreparedEval, iouThrs: Float64Array, areas: AreaRange[], pairIou: PairIou,
  q0 = 0, q1 = p.numPairs, codes?: Uint8Array,
): MatchResult {
  const m = new PairMatcher(p, iouThrs, areas, codes);
  for (let q = q0; q < q1; q++) m.evaluate(q, pairIou);
  return { codes: m.codes, numGt: m.numGt };
}

/** The pairs `[q0, q1)` of `evaluatePairs`' work; `codes` of those pairs' detections are written in place. */
export interface PairRange {
  q0: number;
  q1: number;
}

/**
 * Splits the pairs into `n` contiguous ranges of about equal work (IoU cells D·G plus D + G),
 * the same for the same data whatever runs them.
 */
export function splitPairs(p: PreparedEval, n: number): PairRange[] {
  const cost = new Float64Array(p.numPairs + 1);
  for (let q = 0; q < p.numPairs; q++) {
    const G = p.pairGtStart[q + 1] - p.pairGtStart[q], D = p.pairDtStart[q + 1] - p.pairDtStart[q];
    cost[q + 1] = cost[q] + D * G + D + G + 1;
  }
  const out: PairRange[] = [];
  let q0 = 0;
  for (let r = 1; r <= n; r++) {
    let q1 = q0;
    const target = (cost[p.numPairs] * r) / n;
    while (q1 < p.numPairs && (r === n || cost[q1 + 1] <= target)) q1++;
    out.push({ q0, q1 });
    q0 = q1;
  }
  return out;
}

/**
 * The per-pair work of `evaluatePairs` with its scratch buffers. Each step is a small method:
 * the JIT then optimizes each once instead of recompiling one large loop nest (and whatever the
 * IoU callback inlines into it) several times on a cold call.
 */
class PairMatcher {
  readonly codes: Uint8Array;
  readonly numGt: Float64Array;
  private readonly T: number;
  private readonly A: number;
  private readonly lo: Float64Array;
  private readonly hi: Float64Array;
  private order: Int32Array; // per area: GT positions, non-ignored first
  private ign: Uint8Array; // per area: ignore flag of each GT (pair order)
  private readonly nonIgnored: Int32Array; // per area: number of non-ignored GT
  private matched = new Uint8Array(64);
  private crowdSorted = new Uint8Array(64);
  private match: Int32Array; // per area: [t][d] → matched position in `order`, or −1
  private readonly source: Int32Array; // the area whose matching this area reuses
  private readonly thr: Float64Array;

  constructor(private readonly p: PreparedEval, iouThrs: Float64Array, areas: AreaRange[], codes?: Uint8Array) {
    const T = (this.T = iouThrs.length);
    const A = (this.A = areas.length);
    this.codes = codes ?? new Uint8Array(p.numDt * A * T);
    this.numGt = new Float64Array(p.gt.catIds.length * A);
    this.lo = Float64Array.from(areas, (r) => r.lo);
    this.hi = Float64Array.from(areas, (r) => r.hi);
    this.order = new Int32Array(64 * A);
    this.ign = new Uint8Array(64 * A);
    this.nonIgnored = new Int32Array(A);
    this.match = new Int32Array(64 * A * T);
    this.source = new Int32Array(A);
    this.thr = new Float64Array(T);
    for (let t = 0; t < T; t++) this.thr[t] = Math.min(iouThrs[t], MAX_MATCH_IOU);
  }

  evaluate(q: number, pairIou: PairIou): void {
    const p = this.p;
    const A = this.A, T = this.T;
    const g0 = p.pairGtStart[q], G = p.pairGtStart[q + 1] - g0;
    const d0 = p.pairDtStart[q], D = p.pairDtStart[q + 1] - d0;
    const k = p.pairCat[q];
    const ious = G > 0 && D > 0 ? pairIou(q) : null;
    if (this.matched.length < G) {
      this.order = new Int32Array(2 * G * A);
      this.ign = new Uint8Array(2 * G * A);
      this.matched = new Uint8Array(2 * G);
      this.crowdSorted = new Uint8Array(2 * G);
    }
    if (this.match.length < A * T * D) this.match = new Int32Array(2 * A * T * D);
    for (let a = 0; a < A; a++) {
      const nn = this.orderGt(a, g0, G);
      this.numGt[k * A + a] += nn;
      if (D === 0) continue;
      // Matching depends on the area range only through the GT ignore flags: an area with the
      // same flags as an earlier one (e.g. "all" and the range every GT falls in) reuses it.
      const src = this.sameFlagsAs(a, G);
      this.source[a] = src;
      if (src === a) this.matchArea(a, g0, G, D, nn, ious);
      this.writeCodes(a, src, g0, G, d0, D, nn);
    }
  }

  /** Area a's GT order (stable: non-ignored first, then ignored) and ignore flags; returns the non-ignored count. */
  private orderGt(a: number, g0: number, G: number): number {
    const gt = this.p.gt;
    const lo = this.lo[a], hi = this.hi[a];
    const ob = a * G;
    const order = this.order, ign = this.ign;
    let nn = 0;
    for (let g = 0; g < G; g++) {
      const ar = gt.area[g0 + g];
      const ig = gt.ignore[g0 + g] || ar < lo || ar > hi ? 1 : 0;
      ign[ob + g] = ig;
      if (!ig) order[ob + nn++] = g;
    }
    let m2 = nn;
    for (let g = 0; g < G; g++) if (ign[ob + g]) order[ob + m2++] = g;
    this.nonIgnored[a] = nn;
    return nn;
  }

  /** The first earlier area with the same GT ignore flags, or a itself. */
  private sameFlagsAs(a: number, G: number): number {
    const ign = this.ign;
    const ob = a * G;
    for (let b = 0; b < a; b++) {
      let same = true;
      for (let g = 0; g < G && same; g++) if (ign[b * G + g] !== ign[ob + g]) same = false;
      if (same) return this.source[b];
    }
    return a;
  }

  /** Greedy matching of area a at every threshold into `match`. */
  private matchArea(a: number, g0: number, G: number, D: number, nn: number, ious: Float64Array | null): void {
    const T = this.T;
    const ob = a * G;
    const mb = a * T * D;
    const order = this.order, matched = this.matched, crowdSorted = this.crowdSorted, match = this.match;
    const crowd = this.p.gt.crowd;
    for (let gi = 0; gi < G; gi++) crowdSorted[gi] = crowd[g0 + order[ob + gi]];
    for (let t = 0; t < T; t++) {
      matched.fill(0, 0, G);
      const th = this.thr[t];
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

  /** Codes of area a's detections from the matching of area `src` (a itself or one with the same flags). */
  private writeCodes(a: number, src: number, g0: number, G: number, d0: number, D: number, nn: number): void {
    const p = this.p;
    const gt = p.gt;
    const A = this.A, T = this.T;
    const lo = this.lo[a], hi = this.hi[a];
    const ob = a * G;
    const mb = src * T * D;
    const order = this.order, match = this.match, codes = this.codes;
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
