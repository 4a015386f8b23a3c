import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { categoryStats, frequencyOfImageCount, parseLvisDataset } from '../../src/coco/index.js';
import type { LvisAnnotation, LvisDataset } from '../../src/coco/types.js';

const fixture = fileURLToPath(new URL('../fixtures/coco/tiny_lvis.json', import.meta.url));
const tiny = (): LvisDataset => parseLvisDataset(JSON.parse(readFileSync(fixture, 'utf8')), fixture);

describe('frequencyOfImageCount', () => {
  it('uses the LVIS v1 bins r = 1–10, c = 11–100, f > 100', () => {
    expect([1, 10, 11, 100, 101, 5000].map((n) => frequencyOfImageCount(n))).toEqual(['r', 'r', 'c', 'c', 'f', 'f']);
  });

  it('takes other bounds [rareMax, commonMax] (coco128: r ≤ 2, c ≤ 5, f ≥ 6 training images)', () => {
    expect([0, 1, 2, 3, 5, 6, 61].map((n) => frequencyOfImageCount(n, [2, 5]))).toEqual(['r', 'r', 'r', 'c', 'c', 'f', 'f']);
  });
});

describe('categoryStats', () => {
  it('matches the hand-computed counts of the tiny fixture', () => {
    const s = categoryStats(tiny());
    // apple: anns 1, 2 (image 10) and 3 (image 12); banana: ann 5 (image 12); cherry: none;
    // date: ann 4 (image 11) and 7 (image 13).
    expect(s.perCategory.map((c) => [c.id, c.image_count, c.instance_count, c.frequency])).toEqual([
      [1, 2, 3, 'r'],
      [2, 1, 1, 'r'],
      [3, 0, 0, 'r'],
      [4, 2, 2, 'r'],
    ]);
    expect(s).toMatchObject({ images: 4, annotations: 6, categories: 4, unseenCategories: 1 });
    expect(s.categoriesPerBucket).toEqual({ computed: { r: 3, c: 0, f: 0, none: 1 }, file: { r: 2, c: 1, f: 1, missing: 0 } });
    // By file frequency: r = apple (3) + date (2), c = banana (1), f = cherry (0).
    expect(s.instancesPerBucket).toEqual({ r: 5, c: 1, f: 0 });
    expect(s.mismatches).toEqual([
      { id: 2, name: 'banana', field: 'image_count', file: 5, computed: 1 },
      { id: 2, name: 'banana', field: 'frequency', file: 'c', computed: 'r' },
      { id: 3, name: 'cherry', field: 'frequency', file: 'f', computed: 'r' },
    ]);
  });

  it('counts distinct images per category across the bucket thresholds, with scattered annotations', () => {
    // Category k (1..4) appears in n_k images with 2 instances per image; the two instances of an
    // image are far apart in the annotation list.
    const n = { 1: 10, 2: 11, 3: 100, 4: 101 } as Record<number, number>;
    const images = Array.from({ length: 101 }, (_, i) => ({ id: i + 1, height: 10, width: 10 }));
    const first: LvisAnnotation[] = [];
    const second: LvisAnnotation[] = [];
    let id = 1;
    for (const k of [1, 2, 3, 4]) {
      for (let i = 0; i < n[k]!; i++) {
        first.push({ id: id++, image_id: i + 1, category_id: k, bbox: [0, 0, 1, 1], area: 1 });
        second.push({ id: id++, image_id: i + 1, category_id: k, bbox: [0, 0, 1, 1], area: 1 });
      }
    }
    const ds: LvisDataset = {
      images,
      annotations: [...first, ...second.reverse()],
      categories: [1, 2, 3, 4].map((k) => ({ id: k, name: `c${k}`, image_count: n[k]!, instance_count: 2 * n[k]! })),
    };
    const s = categoryStats(parseLvisDataset(ds, 'synthetic'));
    expect(s.perCategory.map((c) => [c.image_count, c.instance_count, c.frequency])).toEqual([
      [10, 20, 'r'],
      [11, 22, 'c'],
      [100, 200, 'c'],
      [101, 202, 'f'],
    ]);
    expect(s.mismatches).toEqual([]);
    expect(s.categoriesPerBucket.file.missing).toBe(4);
  });
});
