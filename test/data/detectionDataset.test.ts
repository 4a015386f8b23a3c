import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BalmsInputError } from '../../src/util/errors.js';
import { Rng } from '../../src/util/rng.js';
import type { LvisDataset } from '../../src/coco/types.js';
import { CategoryMap, DEFAULT_TEST_TRANSFORM, DetectionDataset, encodePngRgb, exampleBatches, exampleSeed } from '../../src/data/index.js';

let dir: string;
let dataset: LvisDataset;
const W = 12, H = 8; // prettier-ignore

/** A W×H RGBA image whose pixel (y, x) is (x·20, y·30, id). */
function pixels(id: number): Uint8Array {
  const rgba = new Uint8Array(W * H * 4);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) rgba.set([x * 20, y * 30, id, 255], (y * W + x) * 4);
  return rgba;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'balms-data-'));
  writeFileSync(join(dir, 'a.png'), encodePngRgb(pixels(1), W, H));
  writeFileSync(join(dir, '000000000002.png'), encodePngRgb(pixels(2), W, H));
  writeFileSync(join(dir, 'corrupt.png'), Buffer.from('this is not a png'));
  writeFileSync(join(dir, 'small.png'), encodePngRgb(new Uint8Array(4 * 4 * 4), 4, 4));
  dataset = {
    images: [
      { id: 1, height: H, width: W, file_name: 'a.png' },
      { id: 2, height: H, width: W, coco_url: 'http://images.cocodataset.org/train2017/000000000002.png' },
      { id: 3, height: H, width: W, file_name: 'missing.png' },
      { id: 4, height: H, width: W, file_name: 'corrupt.png' },
      { id: 5, height: H, width: W, file_name: 'small.png' },
    ],
    annotations: [
      { id: 10, image_id: 1, category_id: 30, segmentation: [[1, 1, 4, 1, 4, 3]], bbox: [1, 1, 3, 2], area: 3 },
      { id: 11, image_id: 1, category_id: 7, segmentation: [[6, 2, 9, 2, 9, 6, 6, 6], [10, 0, 11, 0, 11, 1]], bbox: [6, 0, 5, 6], area: 12.5 },
      { id: 12, image_id: 1, category_id: 7, segmentation: { size: [H, W], counts: [0, 5] }, bbox: [0, 0, 1, 5], area: 5, iscrowd: 1 },
      { id: 13, image_id: 2, category_id: 99, segmentation: { size: [H, W], counts: [0, 5] }, bbox: [0, 0, 1, 5], area: 5 },
    ],
    categories: [{ id: 99, name: 'c' }, { id: 30, name: 'b' }, { id: 7, name: 'a' }],
  };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('CategoryMap', () => {
  it('numbers categories by ascending id and maps both ways', () => {
    const m = CategoryMap.fromCategories(dataset.categories);
    expect(m.size).toBe(3);
    expect([m.toIndex(7), m.toIndex(30), m.toIndex(99)]).toEqual([0, 1, 2]);
    expect([m.toCategoryId(0), m.toCategoryId(2)]).toEqual([7, 99]);
    expect(m.indexOrMinus1(8)).toBe(-1);
    expect(() => m.toIndex(8)).toThrow(BalmsInputError);
    expect(() => m.toCategoryId(3)).toThrow(BalmsInputError);
  });
});

describe('LvisImageFolder via DetectionDataset', () => {
  it('reads images by file_name or by the basename of coco_url, pixel-exact', async () => {
    const ds = new DetectionDataset(dataset, dir);
    for (const id of [1, 2]) {
      const img = await ds.images.read(id);
      expect([img.height, img.width]).toEqual([H, W]);
      const want = pixels(id);
      for (let p = 0; p < W * H; p++) for (let c = 0; c < 3; c++) expect(img.data[p * 3 + c]).toBe(want[p * 4 + c]);
    }
    expect(ds.images.path(2)).toBe(join(dir, '000000000002.png'));
  });

  const failures: Array<[number, RegExp]> = [
    [3, /missing\.png.*images\[2\] \(id 3\).*not found/],
    [4, /corrupt\.png.*images\[3\] \(id 4\).*cannot decode/],
    [5, /small\.png.*images\[4\] \(id 5\).*4×4 but the dataset says 12×8/],
  ];
  for (const [id, re] of failures) {
    it(`names the image and the file when image ${id} cannot be used`, async () => {
      const ds = new DetectionDataset(dataset, dir, 'ds.json');
      const err = await ds.images.read(id).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BalmsInputError);
      expect((err as Error).message).toMatch(re);
      expect((err as Error).message).toContain(join(dir, ''));
    });
  }
});

describe('DetectionDataset', () => {
  it('gives boxes (x1y1x2y2), contiguous classes and polygons, skipping crowd', () => {
    const ds = new DetectionDataset(dataset, dir);
    const inst = ds.instances(1);
    expect([...inst.boxes]).toEqual([1, 1, 4, 3, 6, 0, 11, 6]);
    expect([...inst.classes]).toEqual([1, 0]);
    expect([...inst.annotationIds]).toEqual([10, 11]);
    expect(inst.polygons).toEqual([[[1, 1, 4, 1, 4, 3]], [[6, 2, 9, 2, 9, 6, 6, 6], [10, 0, 11, 0, 11, 1]]]);
    expect(ds.imageClasses().map((c) => [...c])).toEqual([[0, 1], [2], [], [], []]);
  });

  it('rejects an RLE on a non-crowd annotation, naming it', () => {
    const ds = new DetectionDataset(dataset, dir, 'ds.json');
    expect(() => ds.instances(2)).toThrow(/ds\.json: annotations\[3\]\.segmentation: training needs polygon/);
  });

  it('builds a flipped example whose pixels and boxes agree', async () => {
    const ds = new DetectionDataset(dataset, dir);
    const ex = await ds.example(1, { shortSide: 0, maxSize: 0, flipProbability: 1, pixelStats: null }, new Rng(0));
    expect(ex.flipped).toBe(true);
    expect([ex.height, ex.width, ex.scale]).toEqual([H, W, 1]);
    // red channel is x·20 before the flip, so (W−1−x)·20 after
    for (let x = 0; x < W; x++) expect(ex.image[(0 * W + x) * 3]).toBe((W - 1 - x) * 20);
    expect([...ex.boxes.subarray(0, 4)]).toEqual([W - 4, 1, W - 1, 3]);
    expect(ex.polygons[0]).toEqual([[W - 1, 1, W - 4, 1, W - 4, 3]]);
  });

  it('streams the same examples for any prefetch depth', async () => {
    const ds = new DetectionDataset({ ...dataset, images: dataset.images.slice(0, 1), annotations: dataset.annotations.slice(0, 3) }, dir);
    const order = [0, 0, 0, 0, 0, 0, 0];
    const run = async (prefetch: number) => {
      const flips: boolean[] = [];
      for await (const batch of exampleBatches(ds, order, { batchSize: 3, prefetch, seed: 42, transform: { ...DEFAULT_TEST_TRANSFORM, flipProbability: 0.5, shortSide: [8, 16] } })) {
        for (const e of batch) flips.push(e.flipped, e.height === 16);
      }
      return flips;
    };
    const a = await run(0);
    expect(a).toEqual(await run(3));
    expect(new Set(a).size).toBe(2); // both choices occur: randomness is per position, not constant
    expect(exampleSeed(42, 0)).not.toBe(exampleSeed(42, 1));
  });
});
