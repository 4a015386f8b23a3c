import { BalmsInputError } from '../util/errors.js';
import { POLY_COORD_LIMIT } from './mask/polygon.js';

/** Shared checks for the dataset and results validators. Each throws a located `BalmsInputError`. */

/** A short description of a JSON value for error messages. */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : String(v);
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`;
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  return `a ${typeof v === 'object' ? 'JSON object' : typeof v}`;
}

export function fail(file: string | undefined, path: string, problem: string): never {
  throw new BalmsInputError(problem, { file, path });
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An integer id (a JSON number with no fraction). */
export function checkId(v: unknown, file: string | undefined, path: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) {
    fail(file, path, v === undefined ? 'missing key' : `expected an integer id, got ${describeValue(v)}`);
  }
  return v;
}

/** A positive integer (image height/width). */
export function checkPositiveInt(v: unknown, file: string | undefined, path: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v <= 0) {
    fail(file, path, v === undefined ? 'missing key' : `expected a positive integer, got ${describeValue(v)}`);
  }
  return v;
}

export function checkNonNegInt(v: unknown, file: string | undefined, path: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    fail(file, path, v === undefined ? 'missing key' : `expected a non-negative integer, got ${describeValue(v)}`);
  }
  return v;
}

export function checkFinite(v: unknown, file: string | undefined, path: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    fail(file, path, v === undefined ? 'missing key' : `expected a finite number, got ${describeValue(v)}`);
  }
  return v;
}

/** `[x, y, w, h]`: four finite numbers with w, h ≥ 0. */
export function checkBbox(v: unknown, file: string | undefined, path: string): void {
  if (!Array.isArray(v) || v.length !== 4) {
    fail(file, path, v === undefined ? 'missing key' : `expected [x, y, width, height], got ${describeValue(v)}`);
  }
  for (let k = 0; k < 4; k++) {
    const x = v[k];
    if (typeof x !== 'number' || !Number.isFinite(x)) fail(file, `${path}[${k}]`, `box coordinate must be a finite number, got ${describeValue(x)}`);
    if (k >= 2 && x < 0) fail(file, `${path}[${k}]`, `box ${k === 2 ? 'width' : 'height'} is negative (${x})`);
  }
}

/** A list of polygons: each an even-length list of ≥ 6 finite numbers (≥ 2 with `allowDegenerate`). */
export function checkPolygons(v: unknown[], file: string | undefined, path: string, allowDegenerate = false): void {
  if (v.length === 0) fail(file, path, 'segmentation is an empty list of polygons');
  for (let p = 0; p < v.length; p++) {
    const poly = v[p];
    if (!Array.isArray(poly)) fail(file, `${path}[${p}]`, `expected a polygon (a list of numbers), got ${describeValue(poly)}`);
    const n = poly.length;
    if (n < (allowDegenerate ? 2 : 6)) fail(file, `${path}[${p}]`, `polygon has ${n} values (${n >> 1} points); at least ${allowDegenerate ? '1 point (2 values)' : '3 points (6 values)'} ${allowDegenerate ? 'is' : 'are'} needed`);
    if (n & 1) fail(file, `${path}[${p}]`, `polygon has an odd number of values (${n}); expected x,y pairs`);
    for (let k = 0; k < n; k++) {
      const x = poly[k];
      if (typeof x !== 'number' || !Number.isFinite(x)) fail(file, `${path}[${p}][${k}]`, `polygon coordinate must be a finite number, got ${describeValue(x)}`);
      if (Math.abs(x) > POLY_COORD_LIMIT) fail(file, `${path}[${p}][${k}]`, `polygon coordinate ${x} is beyond ±${POLY_COORD_LIMIT} (the mask code's integer range)`);
    }
  }
}

/**
 * Sum of the run lengths of a compressed RLE string (the pycocotools LEB128-like code), or -1
 * when the string is malformed. Mirrors `rleFrString` without allocating.
 */
/** 32^k, k = 0..10: exact doubles, so the table changes no result of `2 ** (5 * k)`. */
const POW32 = Array.from({ length: 11 }, (_, k) => 2 ** (5 * k));

export function compressedRleTotal(s: string): number {
  const n = s.length;
  if (totalScratch.length < n) totalScratch = new Uint8Array(Math.max(n, 2 * totalScratch.length));
  const b = totalScratch;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    b[i] = c > 255 ? 255 : c;
  }
  return compressedRleTotalBytes(b, 0, n);
}

let totalScratch = new Uint8Array(1024);

/** `compressedRleTotal` of the string in `b[start..end)` (its bytes, unescaped). */
export function compressedRleTotalBytes(b: Uint8Array, start: number, end: number): number {
  let total = 0;
  let m = 0;
  let prev1 = 0; // cnts[m-1]
  let prev2 = 0; // cnts[m-2]
  let p = start;
  while (p < end) {
    let x = 0;
    const c0 = b[p] - 48;
    if (c0 >= 0 && c0 < 32) {
      // One character (no continuation bit), the common case: 5 signed bits.
      x = c0 & 0x10 ? c0 - 32 : c0;
      p++;
    } else {
      // The first six characters (30 bits) with integer ops, exact; any further in doubles.
      let k = 0;
      let c = 0;
      do {
        if (p >= end) return -1;
        c = b[p] - 48;
        if (c < 0 || c > 63) return -1;
        if (k < 6) x |= (c & 0x1f) << (5 * k);
        else x += (c & 0x1f) * (k < POW32.length ? POW32[k] : 2 ** (5 * k));
        p++;
        k++;
      } while (c & 0x20);
      if (c & 0x10) x -= k < POW32.length ? POW32[k] : 2 ** (5 * k);
    }
    if (m > 2) x += prev2;
    x = x >>> 0;
    total += x;
    prev2 = prev1;
    prev1 = x;
    m++;
  }
  return total;
}

/** An RLE `{size: [h, w], counts}` whose size must equal the image's and whose runs cover h·w pixels. */
export function checkRle(
  v: Record<string, unknown>,
  height: number,
  width: number,
  file: string | undefined,
  path: string,
  requireCompressed: boolean,
): void {
  const size = v['size'];
  if (!Array.isArray(size) || size.length !== 2 || !Number.isSafeInteger(size[0]) || !Number.isSafeInteger(size[1])) {
    fail(file, `${path}.size`, size === undefined ? 'missing key' : `expected [height, width], got ${describeValue(size)}`);
  }
  if (size[0] !== height || size[1] !== width) {
    fail(file, `${path}.size`, `RLE size [${size[0]}, ${size[1]}] does not match the image's [height, width] = [${height}, ${width}]`);
  }
  const counts = v['counts'];
  const pixels = height * width;
  if (typeof counts === 'string') {
    const total = compressedRleTotal(counts);
    if (total < 0) fail(file, `${path}.counts`, 'malformed compressed RLE string');
    if (total !== pixels) fail(file, `${path}.counts`, `RLE runs cover ${total} pixels, expected height·width = ${pixels}`);
  } else if (Array.isArray(counts)) {
    if (requireCompressed) fail(file, `${path}.counts`, 'segm results must be compressed RLE (counts a string, as from pycocotools mask.encode), got a list of run lengths');
    let total = 0;
    for (let k = 0; k < counts.length; k++) {
      const c = counts[k];
      if (typeof c !== 'number' || !Number.isSafeInteger(c) || c < 0) fail(file, `${path}.counts[${k}]`, `run length must be a non-negative integer, got ${describeValue(c)}`);
      total += c;
    }
    if (total !== pixels) fail(file, `${path}.counts`, `RLE runs cover ${total} pixels, expected height·width = ${pixels}`);
  } else {
    fail(file, `${path}.counts`, counts === undefined ? 'missing key' : `expected a string or a list of run lengths, got ${describeValue(counts)}`);
  }
}

/** Finds the first duplicated value in `ids` (sorted copy, one pass); returns the two indices or null. */
export function findDuplicate(ids: Float64Array): [number, number] | null {
  const sorted = ids.slice().sort();
  let dup = NaN;
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i] === sorted[i - 1]) {
      dup = sorted[i]!;
      break;
    }
  }
  if (Number.isNaN(dup)) return null;
  const first = ids.indexOf(dup);
  return [first, ids.indexOf(dup, first + 1)];
}
