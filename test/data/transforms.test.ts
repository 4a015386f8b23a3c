import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/util/rng.js';
import {
  DEFAULT_TRAIN_TRANSFORM,
  IMAGENET_PIXEL_STATS,
  denormalizeImage,
  flipBoxesHorizontal,
  flipImageHorizontal,
  flipPolygonsHorizontal,
  normalizeImage,
  planAugmentation,
  polygonsBox,
  resizeBilinear,
  scaleBoxes,
  scalePolygons,
  shortestEdgeSize,
  transformImage,
  transformInstances,
} from '../../src/data/index.js';

interface ResizeCase {
  height: number;
  width: number;
  outHeight: number;
  outWidth: number;
  src: number[];
  out: number[];
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/data/resize.json', import.meta.url), 'utf8')) as { cases: ResizeCase[] };

function randomPolygons(rng: Rng, n: number, w: number, h: number): number[][][] {
  return Array.from({ length: n }, () =>
    Array.from({ length: 1 + rng.int(2) }, () => Array.from({ length: 2 * (3 + rng.int(6)) }, (_, i) => (i % 2 === 0 ? rng.uniform(0, w) : rng.uniform(0, h)))),
  );
}

describe('shortestEdgeSize', () => {
  it('scales the short side to the target (detectron2 rounding)', () => {
    expect(shortestEdgeSize(480, 640, 800, 1333)).toEqual({ height: 800, width: 1067, scale: 800 / 480 });
    expect(shortestEdgeSize(640, 480, 600, 0)).toEqual({ height: 800, width: 600, scale: 600 / 480 });
  });
  it('caps the long side at maxSize', () => {
    const r = shortestEdgeSize(300, 1000, 800, 1333);
    expect(r.scale).toBeCloseTo(1.333, 12);
    expect([r.height, r.width]).toEqual([400, 1333]);
  });
});

describe('resizeBilinear', () => {
  it('matches Pillow BILINEAR on float images (golden fixture, up and down)', () => {
    for (const c of fixture.cases) {
      const out = resizeBilinear(Float32Array.from(c.src), c.height, c.width, 1, c.outHeight, c.outWidth);
      let maxErr = 0;
      for (let i = 0; i < out.length; i++) maxErr = Math.max(maxErr, Math.abs(out[i]! - c.out[i]!));
      expect(maxErr, `${c.height}×${c.width} → ${c.outHeight}×${c.outWidth}`).toBeLessThan(1e-4);
    }
  });
  it('averages 2×2 blocks with weights 1/8, 3/8, 3/8, 1/8 when halving (hand-computed)', () => {
    const src = Float32Array.from([0, 8, 16, 24]); // 1×4
    const out = resizeBilinear(src, 1, 4, 1, 1, 2);
    // out[0]: taps x=0,1,2 (x=−1 falls outside and is renormalised away): (3·0 + 3·8 + 1·16)/7
    expect(out[0]).toBeCloseTo((3 * 0 + 3 * 8 + 1 * 16) / 7, 5);
    expect(out[1]).toBeCloseTo((1 * 8 + 3 * 16 + 3 * 24) / 7, 5);
  });
  it('keeps channels apart and constants constant', () => {
    const h = 5, w = 7; // prettier-ignore
    const src = new Uint8Array(h * w * 3);
    for (let p = 0; p < h * w; p++) src.set([10, 200, 77], p * 3);
    const out = resizeBilinear(src, h, w, 3, 11, 4);
    for (let p = 0; p < 44; p++) {
      expect(out[p * 3]).toBeCloseTo(10, 4);
      expect(out[p * 3 + 1]).toBeCloseTo(200, 4);
      expect(out[p * 3 + 2]).toBeCloseTo(77, 4);
    }
  });
});

describe('flips', () => {
  it('flipping twice is the identity (image, polygons, boxes)', () => {
    const rng = new Rng(3);
    const h = 6, w = 9; // prettier-ignore
    const img = Float32Array.from({ length: h * w * 3 }, () => rng.uniform(0, 255));
    expect(flipImageHorizontal(flipImageHorizontal(img, h, w, 3), h, w, 3)).toEqual(img);
    const polys = randomPolygons(rng, 4, w, h).flat();
    const back = flipPolygonsHorizontal(flipPolygonsHorizontal(polys, w), w);
    back.forEach((p, i) => p.forEach((v, j) => expect(v).toBeCloseTo(polys[i]![j]!, 12)));
    const boxes = Float32Array.from([1, 2, 5, 6, 0, 0, 9, 6]);
    expect(flipBoxesHorizontal(flipBoxesHorizontal(boxes, w), w)).toEqual(boxes);
  });
  it('moves pixel column j to W−1−j and coordinate x to W−x', () => {
    const img = Uint8Array.from([1, 2, 3, 4, 5, 6]); // 2×3, one channel
    expect([...flipImageHorizontal(img, 2, 3, 1)]).toEqual([3, 2, 1, 6, 5, 4]);
    expect(flipPolygonsHorizontal([[0.5, 1, 2, 1, 2, 2]], 3)).toEqual([[2.5, 1, 1, 1, 1, 2]]);
    expect([...flipBoxesHorizontal(Float32Array.from([0.5, 1, 2, 2]), 3)]).toEqual([1, 1, 2.5, 2]);
  });
  it('the flipped box is the box of the flipped polygons', () => {
    const rng = new Rng(5);
    for (const parts of randomPolygons(rng, 20, 50, 40)) {
      const box = Float32Array.from(polygonsBox(parts));
      const a = flipBoxesHorizontal(box, 50);
      const b = polygonsBox(flipPolygonsHorizontal(parts, 50));
      for (let k = 0; k < 4; k++) expect(a[k]).toBeCloseTo(b[k]!, 4);
    }
  });
});

describe('scaling', () => {
  it('resized boxes are the boxes of the resized polygons', () => {
    const rng = new Rng(9);
    for (const parts of randomPolygons(rng, 30, 640, 480)) {
      const sx = rng.uniform(0.2, 3), sy = rng.uniform(0.2, 3); // prettier-ignore
      const a = scaleBoxes(Float32Array.from(polygonsBox(parts)), sx, sy);
      const b = polygonsBox(scalePolygons(parts, sx, sy));
      for (let k = 0; k < 4; k++) expect(a[k]).toBeCloseTo(b[k]!, 3);
    }
  });
});

describe('normalizeImage', () => {
  it('computes (x − mean) / std per channel and inverts', () => {
    const src = Uint8Array.from([123, 116, 103, 255, 0, 10]);
    const out = normalizeImage(src, IMAGENET_PIXEL_STATS);
    expect(out[0]).toBeCloseTo((123 - 123.675) / 58.395, 6);
    expect(out[4]).toBeCloseTo((0 - 116.28) / 57.12, 6);
    const back = denormalizeImage(out, IMAGENET_PIXEL_STATS);
    back.forEach((v, i) => expect(v).toBeCloseTo(src[i]!, 3));
  });
});

describe('planAugmentation / transformInstances', () => {
  it('keeps image and instances in the same frame after resize + flip', () => {
    const rng = new Rng(11);
    const h = 30, w = 40; // prettier-ignore
    // A single bright pixel at column 5, row 7 (pixel box [5,7]–[6,8]).
    const img = new Uint8Array(h * w * 3);
    img.set([255, 255, 255], (7 * w + 5) * 3);
    const plan = planAugmentation(h, w, { shortSide: 60, maxSize: 0, flipProbability: 1, pixelStats: null }, rng);
    expect([plan.height, plan.width, plan.flipped, plan.scaleX, plan.scaleY]).toEqual([60, 80, true, 2, 2]);
    const out = transformImage({ data: img, height: h, width: w }, plan);
    const inst = transformInstances(
      { boxes: Float32Array.from([5, 7, 6, 8]), classes: Int32Array.from([0]), polygons: [[[5, 7, 6, 7, 6, 8, 5, 8]]], annotationIds: Int32Array.from([1]) },
      plan,
    );
    expect([...inst.boxes]).toEqual([80 - 12, 14, 80 - 10, 16]);
    // the brightest output pixels lie inside the transformed box
    let best = -1, bx = -1, by = -1; // prettier-ignore
    for (let y = 0; y < 60; y++) for (let x = 0; x < 80; x++) if (out[(y * 80 + x) * 3]! > best) [best, bx, by] = [out[(y * 80 + x) * 3]!, x, y];
    expect(bx + 0.5).toBeGreaterThan(inst.boxes[0]!);
    expect(bx + 0.5).toBeLessThan(inst.boxes[2]!);
    expect(by + 0.5).toBeGreaterThan(inst.boxes[1]!);
    expect(by + 0.5).toBeLessThan(inst.boxes[3]!);
  });
  it('draws the same choices from the same seed and drops emptied boxes', () => {
    const a = planAugmentation(100, 200, { ...DEFAULT_TRAIN_TRANSFORM, shortSide: [50, 60, 70] }, new Rng(1));
    const b = planAugmentation(100, 200, { ...DEFAULT_TRAIN_TRANSFORM, shortSide: [50, 60, 70] }, new Rng(1));
    expect(a).toEqual(b);
    const inst = transformInstances(
      { boxes: Float32Array.from([1, 1, 1, 5, 0, 0, 3, 3]), classes: Int32Array.from([4, 2]), polygons: [[[1, 1, 1, 5, 1, 3]], [[0, 0, 3, 0, 3, 3]]], annotationIds: Int32Array.from([10, 11]) },
      a,
    );
    expect([...inst.classes]).toEqual([2]);
    expect([...inst.annotationIds]).toEqual([11]);
    expect(inst.polygons).toHaveLength(1);
  });
});

describe('padImages', () => {
  it('pads bottom/right with zeros to a multiple of the divisibility, keeping pixels in place', async () => {
    const { padImages } = await import('../../src/data/index.js');
    const a = { image: Float32Array.from({ length: 2 * 3 * 3 }, (_, i) => i + 1), height: 2, width: 3 };
    const b = { image: Float32Array.from({ length: 5 * 1 * 3 }, () => -1), height: 5, width: 1 };
    const p = padImages([a, b], 4);
    expect([p.n, p.height, p.width]).toEqual([2, 8, 4]);
    expect(p.sizes).toEqual([[2, 3], [5, 1]]);
    const at = (n: number, y: number, x: number, c: number) => p.data[((n * p.height + y) * p.width + x) * 3 + c];
    expect(at(0, 1, 2, 2)).toBe(18);
    expect(at(0, 0, 0, 0)).toBe(1);
    expect(at(0, 0, 3, 0)).toBe(0);
    expect(at(0, 2, 0, 0)).toBe(0);
    expect(at(1, 4, 0, 1)).toBe(-1);
    expect(at(1, 4, 1, 1)).toBe(0);
  });
});
