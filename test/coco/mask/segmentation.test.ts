import { describe, expect, it } from 'vitest';
import {
  area,
  frPoly,
  merge,
  rleFromJson,
  rleToJson,
  rleToString,
  segmentationToRle,
} from '../../../src/coco/mask/index.js';
import type { RleJson } from '../../../src/coco/types.js';
import { BalmsInputError } from '../../../src/util/errors.js';
import { loadFixture } from './fixtures.js';

interface PolyCase {
  h: number;
  w: number;
  polys: number[][];
  merged: string;
}
const polys = loadFixture<{ cases: PolyCase[] }>('mask_polygons.json').cases;

describe('segmentationToRle (lvis-api ann_to_rle)', () => {
  it('unites polygon lists like frPyObjects + merge', () => {
    for (const c of polys.slice(0, 120)) {
      expect(rleToString(segmentationToRle(c.polys, c.h, c.w))).toBe(c.merged);
    }
  });

  it('reads compressed and uncompressed RLEs with their own size', () => {
    const tri = frPoly([1, 1, 15, 3, 6, 14], 20, 20);
    const j = rleToJson(tri);
    expect(j).toEqual({ size: [20, 20], counts: 'e01c03M2N3N2M00O1O1O1N2O2N1O1OR3' });
    const r = segmentationToRle(j, 999, 999);
    expect([r.h, r.w]).toEqual([20, 20]);
    expect(r.counts).toEqual(tri.counts);
    const u = segmentationToRle({ size: [20, 20], counts: Array.from(tri.counts) }, 1, 1);
    expect(rleToString(u)).toBe(j.counts);
    expect(area(u)).toBe(86);
  });

  it('returns a copy-equivalent for a single polygon and the union for several', () => {
    const a = [0, 0, 6, 0, 6, 6, 0, 6];
    const b = [3, 3, 9, 3, 9, 9, 3, 9];
    expect(segmentationToRle([a], 10, 10).counts).toEqual(frPoly(a, 10, 10).counts);
    expect(segmentationToRle([a, b], 10, 10).counts).toEqual(merge([frPoly(a, 10, 10), frPoly(b, 10, 10)]).counts);
  });

  it('names the JSON path of bad input', () => {
    const where = { file: 'gt.json', path: 'annotations[3].segmentation' };
    const bad = (seg: unknown, re: RegExp) => {
      expect(() => segmentationToRle(seg as RleJson, 10, 10, where)).toThrow(BalmsInputError);
      expect(() => segmentationToRle(seg as RleJson, 10, 10, where)).toThrow(re);
    };
    bad([], /gt\.json: annotations\[3\]\.segmentation: segmentation is an empty polygon list/);
    bad([[0, 0, 1, 1]], /segmentation\[0\]: first polygon has 4 numbers/);
    bad([[0, 0, 1, 1, 2, 'x']], /segmentation\[0\]\[5\]: polygon coordinate is not a number/);
    bad([[0, 0, 1, 1, 2, 2], [0, 0, 1e9, 1, 2, 2]], /segmentation\[1\]: polygon coordinate \[2\]/);
    bad({ size: [2, 2], counts: '5:3H' }, /segmentation\.counts: RLE runs cover 20 pixels but size 2×2 has 4/);
    bad({ size: [2, 2], counts: '5 ' }, /segmentation\.counts: RLE string has an invalid character/);
    bad({ size: [2], counts: '4' }, /segmentation\.size: RLE size must be/);
    bad({ size: [2, 2], counts: [1, -3] }, /segmentation\.counts\[1\]: run length must be an integer/);
    bad({ size: [2, 2], counts: 7 }, /segmentation\.counts: RLE counts must be a string or a list/);
  });

  it('accepts later short polygons like pycocotools (they add nothing)', () => {
    const a = [0, 0, 6, 0, 6, 6, 0, 6];
    expect(segmentationToRle([a, [], [1, 1], [1, 1, 2, 2]], 10, 10).counts).toEqual(frPoly(a, 10, 10).counts);
  });

  it('round-trips JSON', () => {
    const j: RleJson = { size: [1, 20], counts: '5:3H' };
    expect(rleToJson(rleFromJson(j))).toEqual(j);
  });
});
