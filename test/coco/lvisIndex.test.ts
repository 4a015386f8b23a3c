import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LvisIndex, parseLvisDataset } from '../../src/coco/index.js';
import type { LvisDataset } from '../../src/coco/types.js';

const fixture = fileURLToPath(new URL('../fixtures/coco/tiny_lvis.json', import.meta.url));
const shared = fileURLToPath(new URL('../../../shared/lvis/lvis_val_100.json', import.meta.url));

describe('LvisIndex on the tiny fixture', () => {
  const ds = parseLvisDataset(JSON.parse(readFileSync(fixture, 'utf8')), fixture);
  const ix = new LvisIndex(ds);

  it('sorts ids and looks up images and categories', () => {
    expect(Array.from(ix.imageIds)).toEqual([10, 11, 12, 13]);
    expect(Array.from(ix.categoryIds)).toEqual([1, 2, 3, 4]);
    expect(ix.image(12)?.width).toBe(40);
    expect(ix.imageSize(11)).toEqual([4, 5]);
    expect(ix.image(99)).toBeUndefined();
    expect(ix.category(4)?.name).toBe('date');
    expect(ix.imageIndex(13)).toBe(3);
    expect(ix.categoryIndex(7)).toBe(-1);
  });

  it('groups annotations by image and by category in file order', () => {
    expect(Array.from(ix.annotationIndicesOfImage(12))).toEqual([2, 4]);
    expect(ix.annotationsOfImage(10).map((a) => a.id)).toEqual([1, 2]);
    expect(ix.annotationsOfCategory(1).map((a) => a.id)).toEqual([1, 2, 3]);
    expect(ix.annotationsOfCategory(3)).toEqual([]);
    expect(ix.annotationIndicesOfImage(12345)).toHaveLength(0);
  });

  it('knows the categories, negatives and not-exhaustive categories of each image', () => {
    expect(ix.categoryIdsOfImage(12)).toEqual([1, 2]);
    expect(ix.imageHasCategory(12, 2)).toBe(true);
    expect(ix.imageHasCategory(10, 2)).toBe(false);
    expect(ix.isNegative(13, 1)).toBe(true); // listed as [4, 1]
    expect(ix.isNegative(13, 4)).toBe(true);
    expect(ix.isNegative(13, 2)).toBe(false);
    expect(ix.isNotExhaustive(13, 2)).toBe(true);
    expect(ix.isNotExhaustive(10, 1)).toBe(true);
    expect(Array.from(ix.negativeCategoryIndices(11))).toEqual([1, 2]); // ids 2, 3
    expect(Array.from(ix.categoryImageCount)).toEqual([2, 1, 0, 2]);
    expect(Array.from(ix.categoryInstanceCount)).toEqual([3, 1, 0, 2]);
  });
});

describe.skipIf(!existsSync(shared))('LvisIndex on lvis_val_100.json', () => {
  it('agrees with a brute-force scan of the file', () => {
    const ds = JSON.parse(readFileSync(shared, 'utf8')) as LvisDataset;
    const ix = new LvisIndex(parseLvisDataset(ds, shared));
    expect(ix.numImages).toBe(100);
    for (const im of ds.images) {
      const anns = ds.annotations.filter((a) => a.image_id === im.id);
      expect(ix.annotationsOfImage(im.id)).toEqual(anns);
      expect(ix.categoryIdsOfImage(im.id)).toEqual([...new Set(anns.map((a) => a.category_id))].sort((a, b) => a - b));
      for (const c of im.neg_category_ids!) expect(ix.isNegative(im.id, c)).toBe(true);
      expect(ix.negativeCategoryIndices(im.id)).toHaveLength(new Set(im.neg_category_ids).size);
      for (const c of im.not_exhaustive_category_ids!) expect(ix.isNotExhaustive(im.id, c)).toBe(true);
    }
    for (const c of ds.categories) {
      const anns = ds.annotations.filter((a) => a.category_id === c.id);
      expect(ix.annotationsOfCategory(c.id)).toEqual(anns);
      // lvis_val_100 carries counts recomputed over its 100 images.
      expect(ix.categoryImageCount[ix.categoryIndex(c.id)]).toBe(c.image_count);
      expect(ix.categoryInstanceCount[ix.categoryIndex(c.id)]).toBe(c.instance_count);
    }
  });
});
