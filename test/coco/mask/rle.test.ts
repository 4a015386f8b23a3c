import { describe, expect, it } from 'vitest';
import {
  area,
  decode,
  decodeRowMajor,
  encode,
  encodeRowMajor,
  rleToString,
  toBbox,
} from '../../../src/coco/mask/index.js';
import { loadFixture } from './fixtures.js';

interface EncodeCase {
  h: number;
  w: number;
  mask: string; // base64, column-major
  counts: string;
  area: number;
  bbox: number[];
}
const { cases } = loadFixture<{ cases: EncodeCase[] }>('mask_encode.json');

function toRowMajor(col: Uint8Array, h: number, w: number): Uint8Array {
  const out = new Uint8Array(h * w);
  for (let x = 0; x < w; x++) for (let y = 0; y < h; y++) out[y * w + x] = col[x * h + y]!;
  return out;
}

describe('encode / decode vs pycocotools', () => {
  it(`encodes ${cases.length} masks to the same string, area and box`, () => {
    expect(cases.length).toBeGreaterThanOrEqual(100);
    for (const c of cases) {
      const mask = new Uint8Array(Buffer.from(c.mask, 'base64'));
      const rle = encode(mask, c.h, c.w);
      expect(rleToString(rle)).toBe(c.counts);
      expect(area(rle)).toBe(c.area);
      expect(toBbox(rle)).toEqual(c.bbox);
      const rowRle = encodeRowMajor(toRowMajor(mask, c.h, c.w), c.h, c.w);
      expect(rowRle.counts).toEqual(rle.counts);
    }
  });

  it('decodes back to the mask (binary masks) in both layouts', () => {
    let checked = 0;
    for (const c of cases) {
      const mask = new Uint8Array(Buffer.from(c.mask, 'base64'));
      if (mask.some((v) => v > 1)) continue;
      const rle = encode(mask, c.h, c.w);
      expect(Buffer.compare(decode(rle), mask)).toBe(0);
      expect(Buffer.compare(decodeRowMajor(rle), toRowMajor(mask, c.h, c.w))).toBe(0);
      checked++;
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('gives the same runs for masks at any byte offset (word-skipping fast path)', () => {
    for (const c of cases.slice(0, 60)) {
      const mask = new Uint8Array(Buffer.from(c.mask, 'base64'));
      const want = Array.from(encode(mask, c.h, c.w).counts);
      for (const off of [1, 2, 3, 4]) {
        const host = new Uint8Array(mask.length + off);
        host.set(mask, off);
        expect(Array.from(encode(host.subarray(off), c.h, c.w).counts)).toEqual(want);
      }
    }
    const long = new Uint8Array(1003);
    long.fill(1, 5, 998);
    long[500] = 255;
    expect(Array.from(encode(long, 1003, 1).counts)).toEqual([5, 495, 1, 497, 5]);
  });

  it('starts a run at every byte change, like rleEncode', () => {
    const rle = encode(Uint8Array.from([0, 1, 2, 2, 0]), 1, 5);
    expect(Array.from(rle.counts)).toEqual([1, 1, 2, 1]);
    expect(rleToString(rle)).toBe('1120');
  });

  it('handles a first run of ones and empty masks', () => {
    expect(Array.from(encode(Uint8Array.from([1, 1, 0]), 3, 1).counts)).toEqual([0, 2, 1]);
    expect(Array.from(encode(new Uint8Array(0), 0, 0).counts)).toEqual([0]);
    expect(Array.from(encode(new Uint8Array(6), 2, 3).counts)).toEqual([6]);
  });

  it('rejects wrong sizes and RLEs that do not cover h*w', () => {
    expect(() => encode(new Uint8Array(5), 2, 3)).toThrow(/expected h\*w = 6/);
    expect(() => decode({ h: 2, w: 2, counts: Uint32Array.from([1, 2]) })).toThrow(/counts sum to 3/);
    expect(() => decodeRowMajor({ h: 2, w: 2, counts: Uint32Array.from([1, 4]) })).toThrow(/invalid RLE/);
  });
});
