import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { maskTargetsForRois, rasterizePolygonsInBox } from '../../src/modeling/maskTargets.js';
import { encodeRowMajor } from '../../src/coco/mask/index.js';
import { Rng } from '../../src/util/rng.js';
import { pasteMask, pasteMaskRle } from '../../src/modeling/pasteMasks.js';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/modeling/${name}`, import.meta.url), 'utf8'));

describe('mask targets (RoI-cropped polygon rasterisation)', () => {
  it('equals detectron2 rasterize_polygons_within_box + pycocotools (golden)', () => {
    const cases = fixture('mask_targets.json') as { polygons: number[][]; box: number[]; maskSize: number; mask: number[] }[];
    expect(cases.length).toBeGreaterThan(5);
    for (const c of cases) {
      const got = rasterizePolygonsInBox(c.polygons, c.box, c.maskSize);
      expect(Array.from(got)).toEqual(c.mask);
    }
  });
  it('a rectangle covering the left half of its box fills the left columns', () => {
    // box 10..20 x 10..30, polygon x 10..15 (half the width), M = 4 → 2 left columns of 4 rows
    const m = rasterizePolygonsInBox([[10, 10, 15, 10, 15, 30, 10, 30]], [10, 10, 20, 30], 4);
    expect(Array.from(m)).toEqual([1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0]);
  });
  it('gathers one target per RoI from its matched instance', () => {
    const inst = [[[0, 0, 8, 0, 8, 8, 0, 8]], [[0, 0, 4, 0, 4, 8, 0, 8]]];
    const t = maskTargetsForRois(inst, new Float32Array([0, 0, 8, 8, 0, 0, 8, 8]), new Int32Array([1, 0]), 2);
    expect(Array.from(t)).toEqual([1, 0, 1, 0, 1, 1, 1, 1]);
  });
});

describe('pasteMask', () => {
  it('hand-computed bilinear weights (grid_sample, align_corners=False)', () => {
    // M = 2, only the top-left cell is 1, box = whole 4×4 image: values .5625 on the top-left 2×2,
    // .1875 next to it, .0625 on the diagonal (2,2)
    const mask = [1, 0, 0, 0];
    const at05 = pasteMask(mask, 2, [0, 0, 4, 4], 4, 4, 0.5);
    expect(Array.from(at05)).toEqual([1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    const at018 = pasteMask(mask, 2, [0, 0, 4, 4], 4, 4, 0.18);
    expect(Array.from(at018)).toEqual([1, 1, 1, 0, 1, 1, 1, 0, 1, 1, 0, 0, 0, 0, 0, 0]);
  });
  it('equals detectron2 _do_paste_mask (torch grid_sample golden)', () => {
    const cases = fixture('paste_masks.json') as { mask: number[]; maskSize: number; box: number[]; height: number; width: number; threshold: number; pasted: number[] }[];
    expect(cases.length).toBeGreaterThan(5);
    let foreground = 0;
    for (const c of cases) {
      const got = pasteMask(c.mask, c.maskSize, c.box, c.height, c.width, c.threshold);
      expect(Array.from(got)).toEqual(c.pasted);
      const rle = pasteMaskRle(c.mask, c.maskSize, c.box, c.height, c.width, c.threshold);
      expect(Array.from(rle.counts)).toEqual(Array.from(encodeRowMajor(Uint8Array.from(c.pasted), c.height, c.width).counts));
      foreground += c.pasted.reduce((a, b) => a + b, 0);
    }
    expect(foreground).toBeGreaterThan(500);
  });
  it('pasteMaskRle equals encoding the pasted image, for boxes inside, across and beyond the borders', () => {
    const rng = new Rng(21);
    for (let t = 0; t < 300; t++) {
      const M = 1 + rng.int(8);
      const h = 1 + rng.int(12), w = 1 + rng.int(12);
      const mask = Float32Array.from({ length: M * M }, () => (rng.next() < 0.7 ? 1 : rng.next()));
      const x0 = rng.uniform(-4, w), y0 = rng.uniform(-4, h);
      const box = [x0, y0, x0 + rng.uniform(0.2, w + 6), y0 + rng.uniform(0.2, h + 6)];
      const img = pasteMask(mask, M, box, h, w, 0.5);
      const rle = pasteMaskRle(mask, M, box, h, w, 0.5);
      expect(Array.from(rle.counts), `case ${t}`).toEqual(Array.from(encodeRowMajor(img, h, w).counts));
    }
  });
});
