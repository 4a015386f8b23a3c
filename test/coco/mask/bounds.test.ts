/**
 * The mask API at its edges: zero-pixel images give one empty run (like `encode`), and a polygon
 * whose coordinates are far outside the image is refused up front instead of walking hundreds of
 * millions of column crossings (pycocotools takes seconds and gigabytes there, or never returns).
 */
import { describe, expect, it } from 'vitest';
import { MAX_POLY_CROSSINGS, area, encode, frBbox, frPoly, toBbox } from '../../../src/coco/mask/index.js';
import { BalmsInputError } from '../../../src/util/errors.js';

describe('mask API bounds', () => {
  it.each([
    [0, 0],
    [5, 0],
    [0, 5],
  ])('a %i×%i image: frPoly and frBbox give the empty RLE that encode gives', (h, w) => {
    const empty = Array.from(encode(new Uint8Array(0), h, w).counts);
    expect(empty).toEqual([0]);
    for (const r of [frPoly([0, 0, 1e8, 0, 1e8, 1e8], h, w), frPoly([1, 1, 3, 1, 3, 3], h, w), frBbox([1, 1, 3, 3], h, w)]) {
      expect(Array.from(r.counts)).toEqual(empty);
      expect(area(r)).toBe(0);
      expect(Array.from(toBbox(r))).toEqual([0, 0, 0, 0]);
    }
  });

  it('refuses a polygon that would cross more column centres than the bound, naming the count', () => {
    // 2e8 columns on a 4e9-wide image: beyond the bound
    expect(() => frPoly([0, 0, 1e8, 0, 1e8, 1e8], 100_000, 4e9)).toThrow(BalmsInputError);
    expect(() => frPoly([0, 0, 1e8, 0, 1e8, 1e8], 100_000, 4e9)).toThrow(/crosses 200000003 pixel columns of the 100000×4000000000 image \(at most 67108864\)/);
    // the same coordinates on an ordinary image are cheap: crossings are capped by the width
    const r = frPoly([0, 0, 1e8, 0, 1e8, 1e8], 480, 640);
    expect(r.counts.reduce((a, b) => a + b, 0)).toBe(480 * 640);
    expect(MAX_POLY_CROSSINGS).toBe(2 ** 26);
  });
});
