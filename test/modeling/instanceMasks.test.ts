import { describe, expect, it } from 'vitest';
import { encodeRowMajor, frPoly, decodeRowMajor, rleToJson } from '../../src/coco/mask/index.js';
import { checkInstanceMask, cropAndResizeBitmap, maskTargetsForInstances, type BitmapMask } from '../../src/modeling/instanceMasks.js';
import { rasterizePolygonsInBox } from '../../src/modeling/maskTargets.js';
import { inputErrorOf } from '../helpers/inputErrors.js';

function bitmap(h: number, w: number, inside: (y: number, x: number) => boolean): BitmapMask {
  const data = new Uint8Array(h * w);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[y * w + x] = inside(y, x) ? 1 : 0;
  return { height: h, width: w, data };
}

describe('cropAndResizeBitmap (detectron2 BitMasks.crop_and_resize)', () => {
  it('samples pixel centres exactly when the box is pixel-aligned (hand case)', () => {
    // 8×8, left half inside; box [0,0,8,8] at M = 4 → samples at x = 2·px + ix, integer pixels
    const m = bitmap(8, 8, (_y, x) => x < 4);
    const out = cropAndResizeBitmap(m.data, 8, 8, [0, 0, 8, 8], 4);
    expect(Array.from(out)).toEqual([1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0]);
  });

  it('treats samples left of x = −1 as 0 and clamps samples in [−1, 0] to the border (hand case)', () => {
    // all-ones 8×8, box [−4,0,4,8] at M = 2: the left bin's samples at x = −4, −3, −2, −1 → 0, 0, 0, 1 → mean 0.25 → 0
    const m = bitmap(8, 8, () => true);
    expect(Array.from(cropAndResizeBitmap(m.data, 8, 8, [-4, 0, 4, 8], 2))).toEqual([0, 1, 0, 1]);
  });

  it('bilinear weights decide at 0.5 (hand case)', () => {
    // one column x = 0 inside; box [0,0,1,1], M = 1, one sample at (0, 0) → 1; box [0.6, 0, 1.6, 1] samples x = 0.6 → 0.4 → 0
    const m = bitmap(1, 2, (_y, x) => x === 0);
    expect(cropAndResizeBitmap(m.data, 1, 2, [0, 0, 1, 1], 1)[0]).toBe(1);
    expect(cropAndResizeBitmap(m.data, 1, 2, [0.6, 0, 1.6, 1], 1)[0]).toBe(0);
    expect(cropAndResizeBitmap(m.data, 1, 2, [0.4, 0, 1.4, 1], 1)[0]).toBe(1);
  });
});

describe('maskTargetsForInstances', () => {
  const h = 32, w = 40;
  const tri = [6, 4, 30, 10, 12, 28];
  const rle = frPoly(Float64Array.from(tri), h, w);
  const bits = decodeRowMajor(rle);
  const asBitmap: BitmapMask = { height: h, width: w, data: bits };
  const boxes = new Float32Array([4, 2, 32, 30, 10, 8, 26, 22, 0, 0, 40, 32]);
  const index = new Int32Array([0, 0, 0]);

  it('an RLE (decoded or JSON) and the same mask as a bitmap give identical targets', () => {
    const fromBitmap = maskTargetsForInstances([asBitmap], boxes, index, 14);
    expect(maskTargetsForInstances([rle], boxes, index, 14)).toEqual(fromBitmap);
    expect(maskTargetsForInstances([rleToJson(rle)], boxes, index, 14)).toEqual(fromBitmap);
    // and equals the row-major re-encoding round trip
    expect(maskTargetsForInstances([encodeRowMajor(bits, h, w)], boxes, index, 14)).toEqual(fromBitmap);
  });

  it('polygons and their rasterised bitmap agree up to boundary pixels', () => {
    const fromPoly = maskTargetsForInstances([[tri]], boxes, index, 14);
    const fromBitmap = maskTargetsForInstances([asBitmap], boxes, index, 14);
    let diff = 0, inside = 0;
    for (let i = 0; i < fromPoly.length; i++) {
      if (fromPoly[i] !== fromBitmap[i]) diff++;
      inside += fromPoly[i]!;
    }
    expect(inside).toBeGreaterThan(100);
    expect(diff / fromPoly.length).toBeLessThan(0.08);
    // polygons still go through rasterize_polygons_within_box unchanged
    expect(fromPoly.subarray(0, 196)).toEqual(rasterizePolygonsInBox([tri], boxes.subarray(0, 4), 14));
  });

  it('a pixel-aligned rectangle gives an all-ones target in both forms', () => {
    const rect = bitmap(h, w, (y, x) => x >= 4 && x < 20 && y >= 4 && y < 18);
    const box = new Float32Array([4, 4, 20, 18]);
    const a = maskTargetsForInstances([rect], box, new Int32Array([0]), 6);
    const b = maskTargetsForInstances([[[4, 4, 20, 4, 20, 18, 4, 18]]], box, new Int32Array([0]), 6);
    expect(Array.from(a)).toEqual(new Array(36).fill(1));
    expect(b).toEqual(a);
  });

  it('rejects masks of no known form with the argument named', () => {
    expect(inputErrorOf(() => checkInstanceMask({ height: 2, width: 2, data: new Uint8Array(3) }, 'targets[0].masks[1]')).message).toMatch(
      /^targets\[0\]\.masks\[1\]: bitmap data has 3 bytes, expected height·width = 4/,
    );
    expect(inputErrorOf(() => checkInstanceMask({ foo: 1 } as never, 'm')).message).toMatch(/expected polygons .* an RLE .* or a bitmap/);
    expect(inputErrorOf(() => checkInstanceMask([[1, 2, 3]], 'm')).message).toMatch(/polygon 0 must be a flat/);
  });
});
