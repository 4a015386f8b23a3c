/**
 * Intersection over union of masks (`rleIou`) and boxes (`bbIou`), computed in the same order
 * as pycocotools' maskApi.c so that every value is the identical double. Matrices are D×G,
 * row-major: `out[d*G + g]` (pycocotools returns the same values as a `[d][g]` array).
 */
import { throwCoverageMismatch, toBboxInto } from './ops.js';
import type { Rle } from './rle.js';

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
 * The mask walk of `rleIou` for two same-size RLEs with non-empty runs: intersection over
 * union with C `uint` counters, `i == 0 → 0`, and for crowd ground truth the union is the
 * detection's area.
 */
function walkIou(dt: Rle, gt: Rle, crowd: boolean): number {
  const da = dt.counts;
  const ga = gt.counts;
  const ka = da.length;
  const kb = ga.length;
  let ca = da[0]!;
  let cb = ga[0]!;
  let va = 0;
  let vb = 0;
  let a = 1;
  let b = 1;
  let i = 0;
  let u = 0;
  let ct = 1;
  while (ct > 0) {
    const c = ca < cb ? ca : cb;
    if (c === 0 && ((ca === 0 && a >= ka && cb > 0) || (cb === 0 && b >= kb && ca > 0))) {
      throwCoverageMismatch(dt, gt, 'iou');
    }
    if (va | vb) {
      u += c;
      if (va & vb) i += c;
    }
    ca -= c;
    if (ca === 0 && a < ka) {
      ca = da[a++]!;
      va ^= 1;
    }
    cb -= c;
    if (cb === 0 && b < kb) {
      cb = ga[b++]!;
      vb ^= 1;
    }
    ct = (ca + cb) >>> 0;
  }
  i >>>= 0;
  if (i === 0) return 0; // C: u = 1, o = 0/1
  if (crowd) {
    u = 0;
    for (let j = 1; j < ka; j += 2) u += da[j]!;
  }
  return i / (u >>> 0);
}

const pairBoxes = new Float64Array(8);

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
  return walkIou(dt, gt, crowd);
}

function checkCrowd(iscrowd: ArrayLike<number | boolean>, g: number, what: string): void {
  if (iscrowd.length !== g) {
    throw new RangeError(`${what}: iscrowd has ${iscrowd.length} entries, expected one per ground truth (${g})`);
  }
}

let dtBoxes = new Float64Array(64);
let gtBoxes = new Float64Array(64);

/**
 * Mask IoU matrix D×G (`out[d*G + g]`), like pycocotools `iou(dt, gt, iscrowd)` on RLEs: a box
 * pre-check skips non-overlapping pairs (0), size mismatches give −1. Empty input → empty array.
 */
export function iou(dt: readonly Rle[], gt: readonly Rle[], iscrowd: ArrayLike<number | boolean>): Float64Array {
  const D = dt.length;
  const G = gt.length;
  checkCrowd(iscrowd, G, 'iou');
  const out = new Float64Array(D * G);
  if (D === 0 || G === 0) return out;
  if (dtBoxes.length < 4 * D) dtBoxes = new Float64Array(8 * D);
  if (gtBoxes.length < 4 * G) gtBoxes = new Float64Array(8 * G);
  const db = dtBoxes;
  const gb = gtBoxes;
  for (let d = 0; d < D; d++) toBboxInto(dt[d]!, db, 4 * d);
  for (let g = 0; g < G; g++) toBboxInto(gt[g]!, gb, 4 * g);
  for (let g = 0; g < G; g++) {
    const crowd = crowdFlag(iscrowd[g]!);
    const G_ = gt[g]!;
    for (let d = 0; d < D; d++) {
      if (bboxIouPair(db, gb, crowd, 4 * d, 4 * g) > 0) {
        const D_ = dt[d]!;
        out[d * G + g] = D_.h !== G_.h || D_.w !== G_.w ? -1 : walkIou(D_, G_, crowd);
      }
    }
  }
  return out;
}

/** Box IoU matrix D×G (`out[d*G + g]`) of flat `[x, y, w, h]` lists, like pycocotools `iou` on boxes. */
export function bboxIou(
  dt: ArrayLike<number>,
  gt: ArrayLike<number>,
  iscrowd: ArrayLike<number | boolean>,
): Float64Array {
  if (dt.length % 4 !== 0 || gt.length % 4 !== 0) {
    throw new RangeError(`bboxIou: box lists must hold 4 numbers per box, got ${dt.length} and ${gt.length}`);
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
