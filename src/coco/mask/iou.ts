/**
 * Intersection over union of masks (`rleIou`) and boxes (`bbIou`), computed in the same order
 * as pycocotools' maskApi.c so that every value is the identical double. Matrices are D×G,
 * row-major: `out[d*G + g]` (pycocotools returns the same values as a `[d][g]` array).
 */
import { toBboxInto } from './ops.js';
import type { Rle } from './rle.js';
import { BalmsInputError } from '../../util/errors.js';

/** pycocotools passes `iscrowd` through `np.array(..., dtype=np.uint8)`: 256 → 0, -1 → 255, 0.7 → 0. */
export function crowdFlag(v: number | boolean): boolean {
  return typeof v === 'boolean' ? v : (Math.trunc(v) & 0xff) !== 0;
}

/**
 * IoU of two boxes `[x, y, w, h]` read at `dt[dtOffset..+4)` and `gt[gtOffset..+4)`; with
 * `crowd` the union is the detection's area. Identical to one cell of pycocotools `iou` on boxes.
 */
export function bboxIouPair(
  dt: ArrayLike<number>,
  gt: ArrayLike<number>,
  crowd: boolean,
  dtOffset = 0,
  gtOffset = 0,
): number {
  const d0 = dt[dtOffset]!, d1 = dt[dtOffset + 1]!, d2 = dt[dtOffset + 2]!, d3 = dt[dtOffset + 3]!;
  const g0 = gt[gtOffset]!, g1 = gt[gtOffset + 1]!, g2 = gt[gtOffset + 2]!, g3 = gt[gtOffset + 3]!;
  const da = d2 * d3;
  const w = Math.min(d2 + d0, g2 + g0) - Math.max(d0, g0);
  if (w <= 0) return 0;
  const h = Math.min(d3 + d1, g3 + g1) - Math.max(d1, g1);
  if (h <= 0) return 0;
  const i = w * h;
  const u = crowd ? da : da + g2 * g3 - i;
  return i / u;
}

/**
 * Foreground pixels shared by two RLEs of the same size: a two-pointer walk over their
 * foreground intervals that stops when either runs out.
 */
function intersectionArea(a: Uint32Array, b: Uint32Array): number {
  const ka = a.length;
  const kb = b.length;
  if (ka < 2 || kb < 2) return 0;
  let ia = 1;
  let ib = 1;
  let sa = a[0]!;
  let ea = sa + a[1]!;
  let sb = b[0]!;
  let eb = sb + b[1]!;
  let inter = 0;
  for (;;) {
    const lo = sa > sb ? sa : sb;
    const hi = ea < eb ? ea : eb;
    if (hi > lo) inter += hi - lo;
    if (ea <= eb) {
      ia += 2;
      if (ia >= ka) break;
      sa = ea + a[ia - 1]!;
      ea = sa + a[ia]!;
    } else {
      ib += 2;
      if (ib >= kb) break;
      sb = eb + b[ib - 1]!;
      eb = sb + b[ib]!;
    }
  }
  return inter;
}

/** Foreground pixel count (odd runs) and total pixel count of an RLE. */
function areaAndTotal(c: Uint32Array, out: Float64Array, at: number): void {
  let fg = 0;
  let bg = 0;
  const m = c.length;
  let j = 0;
  for (; j + 1 < m; j += 2) {
    bg += c[j]!;
    fg += c[j + 1]!;
  }
  if (j < m) bg += c[j]!;
  out[at] = fg;
  out[at + 1] = fg + bg;
}

/**
 * The mask part of `rleIou` for a same-size pair: i / u with u = |dt ∪ gt| (|dt| for crowd),
 * and 0 when nothing intersects. pycocotools counts the union pixel by pixel in the same walk;
 * |dt| + |gt| − i is the same integer. (Its `uint` counters would wrap beyond 2^32 pixels.)
 */
function maskIou(dt: Rle, gt: Rle, crowd: boolean, st: Float64Array, d: number, g: number): number {
  if (st[d + 1] !== st[g + 1]) {
    throw new BalmsInputError(
      `iou: invalid RLE pair, runs cover ${st[d + 1]} and ${st[g + 1]} pixels (both must be h*w = ${dt.h * dt.w})`,
    );
  }
  const i = intersectionArea(dt.counts, gt.counts);
  if (i === 0) return 0; // C: u = 1, o = 0/1
  const u = crowd ? st[d]! : st[d]! + st[g]! - i;
  return i / u;
}

const pairBoxes = new Float64Array(8);
const pairStats = new Float64Array(4);

/**
 * IoU of one detection mask and one ground-truth mask, without allocating: equal to
 * `iou([dt], [gt], [crowd])[0]` (−1 when the sizes differ and the boxes overlap, 0 when they
 * differ and the boxes do not).
 */
export function rleIouPair(dt: Rle, gt: Rle, crowd: boolean): number {
  if (dt.h !== gt.h || dt.w !== gt.w) {
    toBboxInto(dt, pairBoxes, 0);
    toBboxInto(gt, pairBoxes, 4);
    return bboxIouPair(pairBoxes, pairBoxes, crowd, 0, 4) > 0 ? -1 : 0;
  }
  // The box pre-check of the C code only skips pairs whose walk gives 0 anyway.
  if (dt.counts.length < 2 || gt.counts.length < 2) return 0;
  areaAndTotal(dt.counts, pairStats, 0);
  areaAndTotal(gt.counts, pairStats, 2);
  return maskIou(dt, gt, crowd, pairStats, 0, 2);
}

function checkCrowd(iscrowd: ArrayLike<number | boolean>, g: number, what: string): void {
  if (iscrowd.length !== g) {
    throw new BalmsInputError(`${what}: iscrowd has ${iscrowd.length} entries, expected one per ground truth (${g})`);
  }
}

let dtBoxes = new Float64Array(64);
let gtBoxes = new Float64Array(64);
let stats = new Float64Array(64);

/**
 * Mask IoU matrix D×G (`out[d*G + g]`), like pycocotools `iou(dt, gt, iscrowd)` on RLEs: a box
 * pre-check skips non-overlapping pairs (0), size mismatches give −1. Empty input → empty array.
 */
export function iou(dt: readonly Rle[], gt: readonly Rle[], iscrowd: ArrayLike<number | boolean>): Float64Array {
  const out = new Float64Array(dt.length * gt.length);
  iouInto(dt, gt, iscrowd, out);
  return out;
}

/** `iou` into `out[0 .. D*G)` (every cell written) instead of a new array, for callers that reuse a buffer. */
export function iouInto(dt: readonly Rle[], gt: readonly Rle[], iscrowd: ArrayLike<number | boolean>, out: Float64Array): void {
  const D = dt.length;
  const G = gt.length;
  checkCrowd(iscrowd, G, 'iou');
  if (out.length < D * G) throw new BalmsInputError(`iouInto: out has ${out.length} cells, need ${D * G}`);
  if (D === 0 || G === 0) return;
  out.fill(0, 0, D * G);
  if (stats.length < 2 * (D + G)) stats = new Float64Array(4 * (D + G));
  if (sameSizeIouInto(dt, gt, iscrowd, out, stats)) return;
  if (dtBoxes.length < 4 * D) dtBoxes = new Float64Array(8 * D);
  if (gtBoxes.length < 4 * G) gtBoxes = new Float64Array(8 * G);
  const db = dtBoxes;
  const gb = gtBoxes;
  const st = stats;
  for (let d = 0; d < D; d++) {
    toBboxInto(dt[d]!, db, 4 * d);
    areaAndTotal(dt[d]!.counts, st, 2 * d);
  }
  for (let g = 0; g < G; g++) {
    toBboxInto(gt[g]!, gb, 4 * g);
    areaAndTotal(gt[g]!.counts, st, 2 * (D + g));
  }
  for (let g = 0; g < G; g++) {
    const crowd = crowdFlag(iscrowd[g]!);
    const G_ = gt[g]!;
    for (let d = 0; d < D; d++) {
      if (bboxIouPair(db, gb, crowd, 4 * d, 4 * g) > 0) {
        const D_ = dt[d]!;
        out[d * G + g] = D_.h !== G_.h || D_.w !== G_.w ? -1 : maskIou(D_, G_, crowd, st, 2 * d, 2 * (D + g));
      }
    }
  }
}

let spans = new Float64Array(64);

/**
 * The common case of `iouInto`: every mask has the same size and valid runs (they cover h*w).
 * Then the box pre-check only skips pairs whose intersection is 0 (the box bounds the
 * foreground), so the boxes are not needed: a pair is walked unless the spans from the first
 * to the last foreground pixel (column-major) are disjoint, which also gives 0. Same doubles.
 * Returns false (nothing written) when the masks do not qualify.
 */
function sameSizeIouInto(dt: readonly Rle[], gt: readonly Rle[], iscrowd: ArrayLike<number | boolean>, out: Float64Array, st: Float64Array): boolean {
  const D = dt.length;
  const G = gt.length;
  const h = dt[0]!.h, w = dt[0]!.w;
  const n = h * w;
  if (spans.length < 2 * (D + G)) spans = new Float64Array(4 * (D + G));
  const sp = spans;
  for (let i = 0; i < D + G; i++) {
    const r = i < D ? dt[i]! : gt[i - D]!;
    if (r.h !== h || r.w !== w) return false;
    const c = r.counts;
    areaAndTotal(c, st, 2 * i);
    if (st[2 * i + 1] !== n) return false;
    // [first, end) of the foreground: after the leading zeros, before a trailing zero run.
    const m = c.length;
    sp[2 * i] = m > 0 ? c[0]! : 0;
    sp[2 * i + 1] = m > 0 && (m & 1) === 1 ? n - c[m - 1]! : n;
  }
  for (let g = 0; g < G; g++) {
    const crowd = crowdFlag(iscrowd[g]!);
    const G_ = gt[g]!;
    const gs = sp[2 * (D + g)]!, ge = sp[2 * (D + g) + 1]!;
    for (let d = 0; d < D; d++) {
      if (sp[2 * d]! >= ge || gs >= sp[2 * d + 1]!) continue;
      out[d * G + g] = maskIou(dt[d]!, G_, crowd, st, 2 * d, 2 * (D + g));
    }
  }
  return true;
}

/** Box IoU matrix D×G (`out[d*G + g]`) of flat `[x, y, w, h]` lists, like pycocotools `iou` on boxes. */
export function bboxIou(
  dt: ArrayLike<number>,
  gt: ArrayLike<number>,
  iscrowd: ArrayLike<number | boolean>,
): Float64Array {
  if (dt.length % 4 !== 0 || gt.length % 4 !== 0) {
    throw new BalmsInputError(`bboxIou: box lists must hold 4 numbers per box, got ${dt.length} and ${gt.length}`);
  }
  const D = dt.length / 4;
  const G = gt.length / 4;
  checkCrowd(iscrowd, G, 'bboxIou');
  const out = new Float64Array(D * G);
  for (let g = 0; g < G; g++) {
    const crowd = crowdFlag(iscrowd[g]!);
    for (let d = 0; d < D; d++) out[d * G + g] = bboxIouPair(dt, gt, crowd, 4 * d, 4 * g);
  }
  return out;
}
