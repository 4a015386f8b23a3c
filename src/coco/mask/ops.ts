/**
 * Set operations and measurements on RLEs: `rleMerge`, `rleArea` and the PyPI fork's
 * `rleToBbox`, with C `uint` (modulo 2^32) arithmetic where the C code has it.
 */
import type { Bbox } from '../types.js';
import type { Rle } from './rle.js';
import { BalmsInputError } from '../../util/errors.js';

let bufA = new Uint32Array(1024);
let bufB = new Uint32Array(1024);

/** Throws for RLEs whose runs cover different pixel counts (pycocotools loops forever there). */
export function throwCoverageMismatch(a: Rle, b: Rle, what: string): never {
  const sum = (r: Rle) => r.counts.reduce((s, c) => s + c, 0);
  throw new BalmsInputError(
    `${what}: invalid RLE pair, runs cover ${sum(a)} and ${sum(b)} pixels (both must be h*w = ${a.h * a.w})`,
  );
}

/**
 * Union (or, with `intersect`, intersection) of RLEs, like pycocotools `merge`: one RLE is
 * copied; RLEs of different sizes give an empty 0×0 RLE; an empty list gives a 0×0 RLE.
 */
export function merge(rles: readonly Rle[], intersect = false): Rle {
  const n = rles.length;
  if (n === 0) return { h: 0, w: 0, counts: new Uint32Array(0) };
  const first = rles[0]!;
  const h = first.h;
  const w = first.w;
  if (n === 1) return { h, w, counts: first.counts.slice() };
  for (let i = 0; i < n; i++) {
    const r = rles[i]!;
    if (r.h !== h || r.w !== w) return { h: 0, w: 0, counts: new Uint32Array(0) };
    if (r.counts.length === 0) throw new BalmsInputError(`merge: rles[${i}] has no runs`);
  }
  // A holds the running result; B-runs come from rles[i]; output goes to `out`.
  let acnts: Uint32Array = first.counts;
  let am = acnts.length;
  for (let i = 1; i < n; i++) {
    const B = rles[i]!;
    const bcnts = B.counts;
    const bm = bcnts.length;
    const need = am + bm + 1;
    let out = acnts === bufA ? bufB : bufA;
    if (out.length < need) {
      out = new Uint32Array(Math.max(need, out.length * 2));
      if (acnts === bufA) bufB = out;
      else bufA = out;
    }
    let ca = acnts[0]!;
    let cb = bcnts[0]!;
    let v = 0;
    let va = 0;
    let vb = 0;
    let m = 0;
    let a = 1;
    let b = 1;
    let cc = 0;
    let ct = 1;
    while (ct > 0) {
      const c = ca < cb ? ca : cb;
      if (c === 0 && ((ca === 0 && a >= am && cb > 0) || (cb === 0 && b >= bm && ca > 0))) {
        throwCoverageMismatch({ h, w, counts: acnts.subarray(0, am) }, B, 'merge');
      }
      cc += c;
      ca -= c;
      if (ca === 0 && a < am) {
        ca = acnts[a++]!;
        va ^= 1;
      }
      cb -= c;
      if (cb === 0 && b < bm) {
        cb = bcnts[b++]!;
        vb ^= 1;
      }
      ct = (ca + cb) >>> 0; // C uint sum
      const vp = v;
      v = intersect ? va & vb : va | vb;
      if (v !== vp || ct === 0) {
        out[m++] = cc; // stored modulo 2^32 like the C uint
        cc = 0;
      }
    }
    acnts = out;
    am = m;
  }
  return { h, w, counts: acnts.slice(0, am) };
}

/** Number of foreground pixels (sum of odd runs, modulo 2^32 like the C `uint`). */
export function area(rle: Rle): number {
  const cnts = rle.counts;
  let s = 0;
  for (let j = 1; j < cnts.length; j += 2) s += cnts[j]!;
  return s >>> 0;
}

/**
 * Writes the tight box `[x, y, w, h]` of `rle` into `out[offset..offset+4)` with the PyPI
 * pycocotools (ppwwyyxx fork) `rleToBbox` semantics: zero-length foreground runs are skipped,
 * a run spanning columns widens y to the full height, an empty mask gives zeros (if it has
 * fewer than 2 runs) or the C `uint`-wrapped box `[w, h, 2^32-w+1, 2^32-h+1]`.
 */
export function toBboxInto(rle: Rle, out: { [i: number]: number }, offset = 0): void {
  const h = rle.h >>> 0;
  const w = rle.w >>> 0;
  const cnts = rle.counts;
  const m = cnts.length & ~1;
  if (m === 0 || h === 0) {
    out[offset] = out[offset + 1] = out[offset + 2] = out[offset + 3] = 0;
    return;
  }
  let xs = w;
  let ys = h;
  let xe = 0;
  let ye = 0;
  let cc = 0;
  for (let j = 0; j < m; j++) {
    const start = cc;
    const len = cnts[j]!;
    cc = (cc + len) >>> 0;
    if ((j & 1) === 0 || len === 0) continue;
    const yStart = start % h;
    const xStart = (start - yStart) / h;
    const last = (cc - 1) >>> 0;
    const yEnd = last % h;
    const xEnd = (last - yEnd) / h;
    if (xStart < xs) xs = xStart;
    if (xEnd > xe) xe = xEnd;
    if (xStart < xEnd) {
      ys = 0;
      ye = h - 1;
    } else {
      if (yStart < ys) ys = yStart;
      if (yEnd > ye) ye = yEnd;
    }
  }
  out[offset] = xs;
  out[offset + 1] = ys;
  out[offset + 2] = (xe - xs + 1) >>> 0;
  out[offset + 3] = (ye - ys + 1) >>> 0;
}

/** The tight box `[x, y, w, h]` of the foreground (pycocotools `toBbox`, PyPI fork semantics). */
export function toBbox(rle: Rle): Bbox {
  const b: Bbox = [0, 0, 0, 0];
  toBboxInto(rle, b);
  return b;
}
