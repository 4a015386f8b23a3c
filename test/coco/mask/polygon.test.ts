import { describe, expect, it } from 'vitest';
import { area, frBbox, frPoly, merge, rleToString, toBbox } from '../../../src/coco/mask/index.js';
import { BalmsInputError } from '../../../src/util/errors.js';
import { Rng } from '../../../src/util/rng.js';
import { loadFixture } from './fixtures.js';
import { frPolyLiteral } from './frPolyLiteral.js';

interface PolyCase {
  h: number;
  w: number;
  polys: number[][];
  parts: string[];
  merged: string;
  area: number;
  bbox: number[];
}
interface BoxCase {
  h: number;
  w: number;
  bbox_in: number[];
  counts: string;
  area: number;
  bbox: number[];
}
const polys = loadFixture<{ cases: PolyCase[] }>('mask_polygons.json').cases;
const boxes = loadFixture<{ cases: BoxCase[] }>('mask_boxes.json').cases;

describe('frPoly vs pycocotools', () => {
  it('matches the hand-checked vectors', () => {
    const sq = frPoly([0, 0, 10, 0, 10, 10, 0, 10], 20, 20);
    expect(area(sq)).toBe(100); // not 121: pixel centres on the boundary are outside
    expect(rleToString(sq)).toBe('0::00000000000000000X6');
    const b = frPoly([2.3, 3.7, 12.6, 3.7, 12.6, 9.2, 2.3, 9.2], 20, 20);
    expect(area(b)).toBe(55);
    expect(toBbox(b)).toEqual([2, 4, 11, 5]);
    const tri = frPoly([1, 1, 15, 3, 6, 14], 20, 20);
    expect(area(tri)).toBe(86);
    expect(rleToString(tri)).toBe('e01c03M2N3N2M00O1O1O1N2O2N1O1OR3');
  });

  it(`rasterises ${polys.length} random polygons (convex, concave, self-intersecting, off-image, sub-pixel, huge, degenerate, multi-part) identically`, () => {
    expect(polys.length).toBeGreaterThanOrEqual(400);
    let multi = 0;
    for (const c of polys) {
      const rles = c.polys.map((p) => frPoly(p, c.h, c.w));
      expect(rles.map(rleToString)).toEqual(c.parts);
      const m = merge(rles);
      expect(rleToString(m)).toBe(c.merged);
      expect(area(m)).toBe(c.area);
      expect(toBbox(m)).toEqual(c.bbox);
      if (rles.length > 1) multi++;
    }
    expect(multi).toBeGreaterThan(100);
  });

  it('equals a literal point-by-point port on 3000 seeded random polygons', () => {
    const rng = new Rng(5);
    const pick = (lo: number, hi: number) => lo + (hi - lo) * rng.next();
    for (let i = 0; i < 3000; i++) {
      const h = 1 + Math.floor(pick(0, i % 10 === 0 ? 3 : 60));
      const w = 1 + Math.floor(pick(0, i % 7 === 0 ? 3 : 60));
      const n = 3 + Math.floor(pick(0, 8));
      const spread = [1, 1.5, 4, 20][i % 4]!;
      const poly: number[] = [];
      for (let j = 0; j < n; j++) {
        let px = pick(-0.5, spread) * w;
        let py = pick(-0.5, spread) * h;
        if (i % 3 === 0) [px, py] = [Math.round(px * 2) / 2, Math.round(py * 2) / 2];
        if (i % 5 === 0 && j > 0 && rng.next() < 0.3) [px, py] = [poly[2 * j - 2]!, poly[2 * j - 1]!];
        poly.push(px, py);
      }
      expect(Array.from(frPoly(poly, h, w).counts)).toEqual(frPolyLiteral(poly, h, w));
    }
  });

  it('ignores an odd trailing coordinate and gives an empty mask for fewer than 1 point', () => {
    expect(rleToString(frPoly([1, 1, 15, 3, 6, 14, 99], 20, 20))).toBe('e01c03M2N3N2M00O1O1O1N2O2N1O1OR3');
    expect(Array.from(frPoly([], 4, 5).counts)).toEqual([20]);
  });

  it('rejects non-finite and out-of-range coordinates', () => {
    expect(() => frPoly([0, 0, NaN, 1, 2, 2], 5, 5)).toThrow(BalmsInputError);
    expect(() => frPoly([0, 0, 1, 1, 2, 3e8], 5, 5)).toThrow(/coordinate \[5\] = 300000000/);
    expect(() => frPoly([0, 0, 1, 1, 2, 2], 5.5, 5)).toThrow(BalmsInputError);
  });

  it('is not affected by earlier calls (reused buffers)', () => {
    const big = frPoly([0, 0, 600, 0, 600, 400, 0, 400, 300, 200], 500, 700);
    const a = rleToString(frPoly([1, 1, 15, 3, 6, 14], 20, 20));
    frPoly([-5, -5, 1e5, 3, 3, 9e4], 50, 50);
    expect(rleToString(frPoly([1, 1, 15, 3, 6, 14], 20, 20))).toBe(a);
    expect(area(big)).toBe(area(frPoly([0, 0, 600, 0, 600, 400, 0, 400, 300, 200], 500, 700)));
  });
});

describe('frBbox vs pycocotools', () => {
  it(`rasterises ${boxes.length} random boxes identically`, () => {
    expect(boxes.length).toBeGreaterThanOrEqual(100);
    for (const c of boxes) {
      const r = frBbox(c.bbox_in, c.h, c.w);
      expect(rleToString(r)).toBe(c.counts);
      expect(area(r)).toBe(c.area);
      expect(toBbox(r)).toEqual(c.bbox);
    }
  });

  it('equals the square polygon', () => {
    expect(rleToString(frBbox([0, 0, 10, 10], 20, 20))).toBe('0::00000000000000000X6');
  });
});
