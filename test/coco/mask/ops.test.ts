import { describe, expect, it } from 'vitest';
import { area, frBbox, merge, rleFromJson, rleToString, toBbox } from '../../../src/coco/mask/index.js';
import type { Rle } from '../../../src/coco/mask/index.js';
import { loadFixture, type JsonRle } from './fixtures.js';

interface MergeCase {
  rles: JsonRle[];
  union: JsonRle;
  intersection: JsonRle;
  areas: number[];
  bboxes: number[][];
}
const cases = loadFixture<{ cases: MergeCase[] }>('mask_merge.json').cases;
const rle = (h: number, w: number, c: number[]): Rle => ({ h, w, counts: Uint32Array.from(c) });

describe('merge / area / toBbox vs pycocotools', () => {
  it(`merges ${cases.length} sets of RLEs (union and intersection) identically`, () => {
    expect(cases.length).toBeGreaterThanOrEqual(150);
    let mismatched = 0;
    for (const c of cases) {
      const rles = c.rles.map((j) => rleFromJson(j));
      expect(rles.map(area)).toEqual(c.areas);
      expect(rles.map(toBbox)).toEqual(c.bboxes);
      for (const [got, want] of [
        [merge(rles), c.union],
        [merge(rles, true), c.intersection],
      ] as const) {
        expect([got.h, got.w]).toEqual(want.size);
        expect(rleToString(got)).toBe(want.counts);
      }
      if (c.union.size[0] === 0) mismatched++;
    }
    expect(mismatched).toBeGreaterThan(0);
  });

  it('matches the hand-checked boxes', () => {
    const a = frBbox([0, 0, 4, 4], 8, 8);
    const b = frBbox([2, 2, 4, 4], 8, 8);
    expect(area(merge([a, b]))).toBe(28);
    expect(area(merge([a, b], true))).toBe(4);
  });

  it('copies a single RLE and returns 0×0 for none or mismatched sizes', () => {
    const a = rle(2, 2, [1, 2, 1]);
    const m = merge([a]);
    expect(m.counts).not.toBe(a.counts);
    expect(Array.from(m.counts)).toEqual([1, 2, 1]);
    expect(merge([])).toEqual({ h: 0, w: 0, counts: new Uint32Array(0) });
    expect(merge([a, rle(4, 1, [4])])).toEqual({ h: 0, w: 0, counts: new Uint32Array(0) });
  });

  it('throws instead of looping forever on RLEs that cover different pixel counts', () => {
    expect(() => merge([rle(2, 2, [1, 2, 1]), rle(2, 2, [1, 2])])).toThrow(/cover 4 and 3 pixels/);
  });

  it('uses the PyPI fork toBbox semantics (zero-length runs, column spans, uint wrap)', () => {
    expect(toBbox(rle(4, 3, [5, 0, 7]))).toEqual([3, 4, 2 ** 32 - 2, 2 ** 32 - 3]);
    expect(toBbox(rle(4, 3, [12]))).toEqual([0, 0, 0, 0]);
    expect(toBbox(rle(4, 3, [3, 2, 7]))).toEqual([0, 0, 2, 4]); // a run across two columns
    expect(toBbox(rle(4, 3, [5, 2, 5]))).toEqual([1, 1, 1, 2]);
    expect(toBbox(rle(4, 3, [5, 0, 1, 1, 5]))).toEqual([1, 2, 1, 1]);
  });

  it('computes area as the sum of odd runs', () => {
    expect(area(rle(1, 20, [5, 10, 3, 2]))).toBe(12);
    expect(area(rle(1, 1, [0]))).toBe(0);
  });
});
