/**
 * Polygon and box rasterisation, a literal port of pycocotools' `rleFrPoly` / `rleFrBbox`:
 * vertices are upsampled ×5 and truncated like C `(int)`, every edge is walked with a DDA,
 * and each crossing of a column centre `x = n + .5` toggles the pixels below it (even–odd
 * fill per column). Unlike the C code, the DDA points are streamed, never stored, so memory
 * is bounded by the number of column crossings, not by the polygon's perimeter.
 */
import { BalmsInputError } from '../../util/errors.js';
import type { Rle } from './rle.js';

const SCALE = 5;
const INT_MIN = -2147483648;
/** Coordinates beyond this make C `int` arithmetic in rleFrPoly overflow (undefined behaviour). */
export const POLY_COORD_LIMIT = 2e8;

/** The most column crossings one `frPoly` call may record (bounds its memory and time: ~256 MB). */
export const MAX_POLY_CROSSINGS = 2 ** 26;

let vx = new Int32Array(64);
let vy = new Int32Array(64);
let cross: Uint32Array = new Uint32Array(256);

function growCross(n: number): Uint32Array {
  const next = new Uint32Array(Math.max(n, cross.length * 2));
  next.set(cross);
  cross = next;
  return cross;
}

let na = 0;

/** Records the crossing of column `c` by an edge whose lower end point has upsampled y `v`. */
function pushCrossing(c: number, v: number, h: number): void {
  let yd = (v + 0.5) / SCALE - 0.5;
  if (yd < 0) yd = 0;
  else if (yd > h) yd = h;
  yd = Math.ceil(yd);
  if (na === cross.length) growCross(na + 1);
  cross[na++] = c * h + yd; // (uint)(x*(int)h + y)
}

/** The C test for one pair of consecutive boundary points (u0,v0) -> (u1,v1) with u1 != u0. */
function stepCrossing(u0: number, v0: number, u1: number, v1: number, h: number, cMax: number): void {
  let xd = u1 < u0 ? u1 : u1 - 1;
  xd = (xd + 0.5) / SCALE - 0.5;
  if (Math.floor(xd) === xd && xd >= 0 && xd <= cMax) pushCrossing(xd, v1 < v0 ? v1 : v0, h);
}

/** C `(int)x` for `x = ys + s*t + .5`: truncation; NaN (0/0 from a zero-length edge) → INT_MIN as on x86. */
function cInt(x: number): number {
  return x === x ? x | 0 : INT_MIN;
}

/**
 * Rasterises one polygon `[x0, y0, x1, y1, …]` into an `h`×`w` RLE exactly like pycocotools'
 * `frPyObjects([poly], h, w)`. An odd trailing coordinate is ignored (as pycocotools does).
 * Throws `BalmsInputError` for non-finite coordinates or ones beyond ±2e8.
 */
export function frPoly(poly: ArrayLike<number>, h: number, w: number): Rle {
  return { h, w, counts: frPolyRuns(poly, h, w).slice() };
}

/**
 * `frPoly`'s runs as a view of an internal buffer, valid only until the next call of
 * `frPoly` / `frPolyRuns` / `frBbox`: for callers that copy them where they want them.
 */
export function frPolyRuns(poly: ArrayLike<number>, h: number, w: number): Uint32Array {
  if (!Number.isInteger(h) || !Number.isInteger(w) || h < 0 || w < 0) {
    throw new BalmsInputError(`frPoly: h and w must be non-negative integers, got ${h}×${w}`);
  }
  const k = Math.floor(poly.length / 2);
  if (vx.length < k + 1) {
    vx = new Int32Array(2 * k + 2);
    vy = new Int32Array(2 * k + 2);
  }
  const x = vx;
  const y = vy;
  for (let j = 0; j < k; j++) {
    const px = poly[2 * j]!;
    const py = poly[2 * j + 1]!;
    if (!(Math.abs(px) <= POLY_COORD_LIMIT) || !(Math.abs(py) <= POLY_COORD_LIMIT)) {
      const bad = Math.abs(px) <= POLY_COORD_LIMIT ? 2 * j + 1 : 2 * j;
      throw new BalmsInputError(
        `polygon coordinate [${bad}] = ${poly[bad]} is not a finite number within ±${POLY_COORD_LIMIT}`,
      );
    }
    x[j] = Math.trunc(SCALE * px + 0.5);
    y[j] = Math.trunc(SCALE * py + 0.5);
  }
  x[k] = x[0]!;
  y[k] = y[0]!;
  if (h === 0 || w === 0) {
    // a zero-pixel image: one empty run (as `encode` gives), not pycocotools' runs past it (its `w-1` is unsigned)
    cross[0] = 0;
    return cross.subarray(0, 1);
  }
  // Bound the work: each edge crosses at most min(its column span, w) column centres.
  let crossings = 0;
  for (let j = 0; j < k; j++) crossings += Math.min(Math.abs(x[j + 1]! - x[j]!) / SCALE + 1, w);
  if (crossings > MAX_POLY_CROSSINGS) {
    throw new BalmsInputError(`frPoly: the polygon crosses ${Math.round(crossings)} pixel columns of the ${h}×${w} image (at most ${MAX_POLY_CROSSINGS}): its coordinates are far outside any image`);
  }

  // C compares `xd` against `w-1` computed in unsigned 64-bit arithmetic.
  const cMax = w === 0 ? Infinity : w - 1;
  const udMax = 5 * cMax + 2;
  na = 0;
  let pu = 0;
  let pv = 0;
  for (let j = 0; j < k; j++) {
    let xs = x[j]!;
    let xe = x[j + 1]!;
    let ys = y[j]!;
    let ye = y[j + 1]!;
    const dx = Math.abs(xe - xs);
    const dy = Math.abs(ys - ye);
    const major = dx >= dy;
    const flip = (major && xs > xe) || (!major && ys > ye);
    if (flip) {
      let t = xs;
      xs = xe;
      xe = t;
      t = ys;
      ys = ye;
      ye = t;
    }
    const n = major ? dx : dy;
    const s = major ? (ye - ys) / n : (xe - xs) / n;
    // The C code walks t = 0..n (reversed when flipped) and tests every consecutive pair of
    // points for a change of u. Crossings are sorted afterwards, so their order is free: only
    // the pairs that can cross a column centre inside the image are visited here.
    const tFirst = flip ? n : 0;
    const tLast = flip ? 0 : n;
    if (j > 0) {
      const u0 = major ? tFirst + xs : cInt(xs + s * tFirst + 0.5);
      if (u0 !== pu) stepCrossing(pu, pv, u0, major ? cInt(ys + s * tFirst + 0.5) : tFirst + ys, h, cMax);
    }
    if (major) shallowEdgeCrossings(xs, ys, n, s, h, udMax);
    else if (xs !== xe) steepEdgeCrossings(xs, ys, n, s, h, udMax);
    pu = major ? tLast + xs : cInt(xs + s * tLast + 0.5);
    pv = major ? cInt(ys + s * tLast + 0.5) : tLast + ys;
  }
  let a = cross;
  if (na === a.length) a = growCross(na + 1);
  a[na++] = h * w;
  return runsFromCrossings(a, na);
}

// The two kinds of edge are functions of their own (each optimized once, with feedback).

/** Crossings of an edge with |dx| ≥ |dy| (upsampled), walked along x from (xs, ys). */
function shallowEdgeCrossings(xs: number, ys: number, n: number, s: number, h: number, udMax: number): void {
  // u = xs + t steps by one; the pair (t, t+1) has min u = xs + t, which must be 5c+2.
  const lo = Math.max(xs, 2);
  const hi = Math.min(xs + n - 1, udMax);
  for (let c = Math.ceil((lo - 2) / SCALE); SCALE * c + 2 <= hi; c++) {
    const tm = SCALE * c + 2 - xs;
    const v1 = cInt(ys + s * tm + 0.5);
    const v2 = cInt(ys + s * (tm + 1) + 0.5);
    pushCrossing(c, v1 < v2 ? v1 : v2, h);
  }
}

/** Crossings of an edge with |dy| > |dx| and xs ≠ xe, walked along y from (xs, ys). */
function steepEdgeCrossings(xs: number, ys: number, n: number, s: number, h: number, udMax: number): void {
  // u(t) = (int)(xs + s*t + .5) is monotone with steps of at most one: find each step
  // ud -> ud+1 (ud = 5c+2); v = ys + t is exact.
  const uA = cInt(xs + s * 0 + 0.5);
  const uB = cInt(xs + s * n + 0.5);
  const up = uB > uA;
  const lo = Math.max(up ? uA : uB, 2);
  const hi = Math.min((up ? uB : uA) - 1, udMax);
  for (let c = Math.ceil((lo - 2) / SCALE); SCALE * c + 2 <= hi; c++) {
    const ud = SCALE * c + 2;
    // The smallest t in [1, n] with u(t) past ud (n if none), as a bisection would find it:
    // start from the real solution of xs + s*t + .5 = ud + 1 and step to the exact answer
    // with the same test (monotone in t), usually zero or one step.
    let tl = Math.ceil((ud + 0.5 - xs) / s);
    if (!(tl >= 1)) tl = 1;
    else if (tl > n) tl = n;
    if (up) {
      while (tl > 1 && cInt(xs + s * (tl - 1) + 0.5) > ud) tl--;
      while (tl < n && !(cInt(xs + s * tl + 0.5) > ud)) tl++;
    } else {
      while (tl > 1 && cInt(xs + s * (tl - 1) + 0.5) <= ud) tl--;
      while (tl < n && !(cInt(xs + s * tl + 0.5) <= ud)) tl++;
    }
    pushCrossing(c, ys + tl - 1, h);
  }
}

/** Sorted crossing indices → run lengths, folding zero-length runs (even–odd rule). */
function runsFromCrossings(a: Uint32Array, k: number): Uint32Array {
  const sorted = a.subarray(0, k);
  if (k > 1) sorted.sort();
  let p = 0;
  for (let j = 0; j < k; j++) {
    const t = a[j]!;
    a[j] = t - p;
    p = t;
  }
  let j = 1;
  let m = 1;
  while (j < k) {
    if (a[j]! > 0) {
      a[m++] = a[j++]!;
    } else {
      j++;
      if (j < k) a[m - 1] = a[m - 1]! + a[j++]!;
    }
  }
  return a.subarray(0, m);
}

const boxPoly = new Float64Array(8);

/** Rasterises a box `[x, y, width, height]` exactly like pycocotools' `frBbox` (via its 4 corners). */
export function frBbox(bbox: ArrayLike<number>, h: number, w: number): Rle {
  const xs = bbox[0]!;
  const ys = bbox[1]!;
  const xe = xs + bbox[2]!;
  const ye = ys + bbox[3]!;
  boxPoly[0] = xs;
  boxPoly[1] = ys;
  boxPoly[2] = xs;
  boxPoly[3] = ye;
  boxPoly[4] = xe;
  boxPoly[5] = ye;
  boxPoly[6] = xe;
  boxPoly[7] = ys;
  return frPoly(boxPoly, h, w);
}
