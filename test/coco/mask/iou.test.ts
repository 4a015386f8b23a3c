import { BalmsInputError } from '../../../src/util/errors.js';
import { describe, expect, it } from 'vitest';
import {
  bboxIou,
  bboxIouPair,
  crowdFlag,
  frBbox,
  iou,
  iouInto,
  rleFromJson,
  rleIouPair,
} from '../../../src/coco/mask/index.js';
import type { Rle } from '../../../src/coco/mask/index.js';
import { loadFixture, type JsonRle } from './fixtures.js';

interface IouCase {
  dt: JsonRle[];
  gt: JsonRle[];
  iscrowd: number[];
  iou: number[];
}
interface BoxIouCase {
  dt: number[][];
  gt: number[][];
  iscrowd: number[];
  iou: number[];
}
const fx = loadFixture<{ cases: IouCase[]; bboxCases: BoxIouCase[] }>('mask_iou.json');
const rle = (h: number, w: number, c: number[]): Rle => ({ h, w, counts: Uint32Array.from(c) });

describe('mask IoU vs pycocotools', () => {
  it(`computes ${fx.cases.length} D×G matrices with iscrowd to the identical double`, () => {
    expect(fx.cases.length).toBeGreaterThanOrEqual(100);
    let cells = 0;
    let minus = 0;
    let partial = 0;
    for (const c of fx.cases) {
      const dt = c.dt.map((j) => rleFromJson(j));
      const gt = c.gt.map((j) => rleFromJson(j));
      const got = iou(dt, gt, c.iscrowd);
      expect(Array.from(got)).toEqual(c.iou);
      // the allocation-free pair path gives the same values
      const G = gt.length;
      for (let d = 0; d < dt.length; d++) {
        for (let g = 0; g < G; g++) {
          const v = rleIouPair(dt[d]!, gt[g]!, c.iscrowd[g] === 1);
          expect(v).toBe(c.iou[d * G + g]);
          cells++;
          if (v === -1) minus++;
          if (v > 0 && v < 1) partial++;
        }
      }
    }
    expect(cells).toBeGreaterThan(2000);
    expect(minus).toBeGreaterThan(0);
    expect(partial).toBeGreaterThan(400);
  });

  it('iouInto writes every cell of a reused, dirty buffer (same-size fast path and mixed sizes alike)', () => {
    const buf = new Float64Array(4096);
    let sameSize = 0;
    let mixed = 0;
    for (const c of fx.cases) {
      const dt = c.dt.map((j) => rleFromJson(j));
      const gt = c.gt.map((j) => rleFromJson(j));
      buf.fill(0.123);
      iouInto(dt, gt, c.iscrowd, buf);
      expect(Array.from(buf.subarray(0, dt.length * gt.length))).toEqual(c.iou);
      const all = [...dt, ...gt];
      if (all.length > 0 && all.every((r) => r.h === all[0]!.h && r.w === all[0]!.w)) sameSize++;
      else mixed++;
    }
    expect(sameSize).toBeGreaterThan(20);
    expect(mixed).toBeGreaterThan(0);
    expect(() => iouInto([rle(2, 2, [4])], [rle(2, 2, [4])], [0], new Float64Array(0))).toThrow(BalmsInputError);
  });

  it('matches the hand-checked boxes (plain and crowd)', () => {
    const a = frBbox([0, 0, 4, 4], 8, 8);
    const b = frBbox([2, 2, 4, 4], 8, 8);
    expect(iou([a], [b], [0])[0]).toBe(0.14285714285714285);
    expect(iou([a], [b], [1])[0]).toBe(0.25);
    expect(iou([a, b], [b], [true])).toEqual(Float64Array.from([0.25, 1]));
  });

  it('gives −1 for different sizes only when the boxes overlap, like rleIou', () => {
    const a = rle(4, 4, [0, 4, 12]); // column 0
    const b = rle(4, 5, [0, 4, 16]); // column 0, other size
    const c = rle(4, 5, [16, 4]); // column 4, other size
    expect(Array.from(iou([a], [b, c], [0, 0]))).toEqual([-1, 0]);
    expect(rleIouPair(a, b, false)).toBe(-1);
    expect(rleIouPair(a, c, false)).toBe(0);
  });

  it('returns an empty matrix for empty inputs and checks the iscrowd length', () => {
    expect(iou([], [rle(1, 1, [1])], [0]).length).toBe(0);
    expect(iou([rle(1, 1, [1])], [], []).length).toBe(0);
    expect(() => iou([rle(1, 1, [1])], [rle(1, 1, [1])], [])).toThrow(/iscrowd has 0 entries/);
  });

  it('reads iscrowd through uint8 like numpy', () => {
    expect([1, 0, 2, 256, -1, 0.7, true, false].map(crowdFlag)).toEqual([true, false, true, false, true, false, true, false]);
  });

  it('throws instead of looping forever on RLEs of unequal coverage', () => {
    expect(() => rleIouPair(rle(2, 2, [0, 3]), rle(2, 2, [0, 4]), false)).toThrow(/cover 3 and 4 pixels/);
  });
});

describe('box IoU vs pycocotools', () => {
  it(`computes ${fx.bboxCases.length} D×G matrices identically`, () => {
    expect(fx.bboxCases.length).toBeGreaterThanOrEqual(100);
    for (const c of fx.bboxCases) {
      const dt = c.dt.flat();
      const gt = c.gt.flat();
      const got = bboxIou(dt, gt, c.iscrowd);
      expect(Array.from(got)).toEqual(c.iou);
      const G = c.gt.length;
      for (let d = 0; d < c.dt.length; d++) {
        for (let g = 0; g < G; g++) {
          expect(bboxIouPair(dt, gt, c.iscrowd[g] === 1, 4 * d, 4 * g)).toBe(c.iou[d * G + g]);
        }
      }
    }
  });

  it('uses no +1 and the detection area for crowd', () => {
    expect(bboxIouPair([0, 0, 4, 4], [2, 2, 4, 4], false)).toBe(4 / 28);
    expect(bboxIouPair([0, 0, 4, 4], [2, 2, 4, 4], true)).toBe(0.25);
    expect(bboxIouPair([0, 0, 4, 4], [4, 0, 4, 4], false)).toBe(0); // touching
    expect(() => bboxIou([0, 0, 1], [0, 0, 1, 1], [0])).toThrow(/4 numbers per box/);
  });
});
