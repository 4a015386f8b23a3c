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

let vx = new Int32Array(64);
let vy = new Int32Array(64);
let cross: Uint32Array = new Uint32Array(256);

function growCross(n: number): Uint32Array {
  const next = new Uint32Array(Math.max(n, cross.length * 2));
  next.set(cross);
  cross = next;
  return cross;
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
  if (!Number.isInteger(h) || !Number.isInteger(w) || h < 0 || w < 0) {
    throw new RangeError(`frPoly: h and w must be non-negative integers, got ${h}×${w}`);
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

  // C compares against `w-1` computed in unsigned 64-bit arithmetic.
  const wMax = w === 0 ? 18446744073709552000 : w - 1;
  let a = cross;
  let na = 0;
  let pu = 0;
  let pv = 0;
  let started = false;
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
    for (let d = 0; d <= n; d++) {
      const t = flip ? n - d : d;
      let u: number;
      let v: number;
      if (major) {
        u = t + xs;
        v = cInt(ys + s * t + 0.5);
      } else {
        v = t + ys;
        u = cInt(xs + s * t + 0.5);
      }
      if (started && u !== pu) {
        // a change of u: does the step cross a column centre inside the image?
        let xd = u < pu ? u : u - 1;
        xd = (xd + 0.5) / SCALE - 0.5;
        if (Math.floor(xd) === xd && xd >= 0 && xd <= wMax) {
          let yd = v < pv ? v : pv;
          yd = (yd + 0.5) / SCALE - 0.5;
          if (yd < 0) yd = 0;
          else if (yd > h) yd = h;
          yd = Math.ceil(yd);
          if (na === a.length) a = growCross(na + 1);
          a[na++] = xd * h + yd; // (uint)(x*(int)h + y)
        }
      }
      pu = u;
      pv = v;
      started = true;
    }
  }
  if (na === a.length) a = growCross(na + 1);
  a[na++] = h * w;
  return runsFromCrossings(a, na, h, w);
}

/** Sorted crossing indices → run lengths, folding zero-length runs (even–odd rule). */
function runsFromCrossings(a: Uint32Array, k: number, h: number, w: number): Rle {
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
  return { h, w, counts: a.slice(0, m) };
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
