/**
 * Run-length encoded binary masks, as in pycocotools' `maskApi.c`: pixels are scanned
 * column-major (down each column, then the next column to the right) and `counts` holds
 * alternating run lengths, the first run being zeros (possibly of length 0).
 */
import { BalmsInputError } from '../../util/errors.js';

/** A binary mask of `h`×`w` pixels as column-major runs; the first run counts zeros. */
export interface Rle {
  h: number;
  w: number;
  counts: Uint32Array;
}

/** Runs never outnumber pixels + 1; grown on demand and reused across calls. */
let scratch = new Uint32Array(1024);

function ensureScratch(n: number): Uint32Array {
  if (scratch.length < n) scratch = new Uint32Array(Math.max(n, scratch.length * 2));
  return scratch;
}

function checkSize(h: number, w: number, len: number, what: string): void {
  if (!Number.isInteger(h) || !Number.isInteger(w) || h < 0 || w < 0) {
    throw new BalmsInputError(`${what}: h and w must be non-negative integers, got ${h}×${w}`);
  }
  if (len !== h * w) throw new BalmsInputError(`${what}: mask has ${len} bytes, expected h*w = ${h * w}`);
}

/**
 * Encodes a column-major mask (pycocotools / Fortran order: pixel (y, x) at `x*h + y`).
 * Like `rleEncode`, a new run starts wherever the byte value changes, so use 0/1 masks.
 */
export function encode(mask: Uint8Array, h: number, w: number): Rle {
  checkSize(h, w, mask.length, 'encode');
  const a = h * w;
  const cnts = ensureScratch(a + 1);
  // Whole 4-byte words equal to the current value are skipped at once (long runs are the norm).
  const words = (mask.byteOffset & 3) === 0 ? new Uint32Array(mask.buffer, mask.byteOffset, a >>> 2) : undefined;
  const nw = a >>> 2;
  let k = 0;
  let p = 0;
  let c = 0;
  let j = 0;
  while (j < a) {
    if (words !== undefined && (j & 3) === 0) {
      const pat = Math.imul(p, 0x01010101) >>> 0;
      let wi = j >>> 2;
      while (wi < nw && words[wi] === pat) wi++;
      const nj = wi * 4;
      c += nj - j;
      j = nj;
      if (j >= a) break;
    }
    const t = mask[j]!;
    if (t !== p) {
      cnts[k++] = c;
      c = 0;
      p = t;
    }
    c++;
    j++;
  }
  cnts[k++] = c;
  return { h, w, counts: cnts.slice(0, k) };
}

/** Encodes a row-major `h`×`w` mask (pixel (y, x) at `y*w + x`), the layout of images. */
export function encodeRowMajor(mask: Uint8Array, h: number, w: number): Rle {
  checkSize(h, w, mask.length, 'encodeRowMajor');
  const cnts = ensureScratch(h * w + 1);
  let k = 0;
  let p = 0;
  let c = 0;
  for (let x = 0; x < w; x++) {
    for (let i = x, y = 0; y < h; y++, i += w) {
      const t = mask[i]!;
      if (t !== p) {
        cnts[k++] = c;
        c = 0;
        p = t;
      }
      c++;
    }
  }
  cnts[k++] = c;
  return { h, w, counts: cnts.slice(0, k) };
}

function checkCoverage(rle: Rle, what: string): void {
  const cnts = rle.counts;
  let s = 0;
  for (let j = 0; j < cnts.length; j++) s += cnts[j]!;
  if (s !== rle.h * rle.w) {
    throw new BalmsInputError(`${what}: invalid RLE, counts sum to ${s} but h*w = ${rle.h * rle.w}`);
  }
}

/**
 * Decodes to a column-major 0/1 mask. Throws if the runs do not cover exactly h*w pixels
 * (pycocotools raises on overflow and leaves uninitialised memory on underflow).
 */
export function decode(rle: Rle): Uint8Array {
  checkCoverage(rle, 'decode');
  const out = new Uint8Array(rle.h * rle.w);
  const cnts = rle.counts;
  let pos = 0;
  for (let j = 0; j < cnts.length; j++) {
    const c = cnts[j]!;
    if (j & 1) out.fill(1, pos, pos + c);
    pos += c;
  }
  return out;
}

/** Decodes to a row-major 0/1 mask (pixel (y, x) at `y*w + x`). */
export function decodeRowMajor(rle: Rle): Uint8Array {
  checkCoverage(rle, 'decodeRowMajor');
  const { h, w } = rle;
  const out = new Uint8Array(h * w);
  const cnts = rle.counts;
  let pos = 0;
  for (let j = 0; j < cnts.length; j++) {
    const c = cnts[j]!;
    if (j & 1) {
      // pixel index pos..pos+c-1 in column-major order
      let x = Math.floor(pos / h);
      let y = pos - x * h;
      for (let n = 0; n < c; n++) {
        out[y * w + x] = 1;
        if (++y === h) {
          y = 0;
          x++;
        }
      }
    }
    pos += c;
  }
  return out;
}
