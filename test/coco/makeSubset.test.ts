import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { categoryStats, makeSubset, parseLvisDataset } from '../../src/coco/index.js';
import type { LvisDataset } from '../../src/coco/types.js';
import { BalmsInputError } from '../../src/util/errors.js';

const fixture = fileURLToPath(new URL('../fixtures/coco/tiny_lvis.json', import.meta.url));
const shared = fileURLToPath(new URL('../../../shared/lvis/lvis_val_100.json', import.meta.url));
const tiny = (): LvisDataset => parseLvisDataset(JSON.parse(readFileSync(fixture, 'utf8')), fixture);

/** Invariants every subset must satisfy, checked independently of makeSubset's code. */
function expectConsistent(sub: LvisDataset): void {
  parseLvisDataset(JSON.parse(JSON.stringify(sub)), 'subset'); // ids, references, lists all valid
  const cats = new Set(sub.categories.map((c) => c.id));
  const imgs = new Set(sub.images.map((i) => i.id));
  for (const im of sub.images) {
    for (const c of im.neg_category_ids ?? []) expect(cats.has(c)).toBe(true);
    for (const c of im.not_exhaustive_category_ids ?? []) expect(cats.has(c)).toBe(true);
  }
  for (const a of sub.annotations) {
    expect(cats.has(a.category_id)).toBe(true);
    expect(imgs.has(a.image_id)).toBe(true);
  }
  for (const c of sub.categories) {
    const anns = sub.annotations.filter((a) => a.category_id === c.id);
    const n = new Set(anns.map((a) => a.image_id)).size;
    expect(c.instance_count).toBe(anns.length);
    expect(c.image_count).toBe(n);
  }
}

describe('makeSubset on the tiny fixture', () => {
  it('keeps the chosen categories (ids or names), their images and annotations, filters the lists', () => {
    const ds = tiny();
    const before = JSON.stringify(ds);
    const sub = makeSubset(ds, { categories: [1, 'date'] });
    expect(JSON.stringify(ds)).toBe(before); // input untouched
    expect(sub.categories.map((c) => [c.id, c.image_count, c.instance_count, c.frequency])).toEqual([
      [1, 2, 3, 'r'],
      [4, 2, 2, 'r'],
    ]);
    expect(sub.images.map((i) => i.id)).toEqual([10, 11, 12, 13]);
    expect(sub.annotations.map((a) => a.id)).toEqual([1, 2, 3, 4, 7]);
    expect(sub.images.map((i) => i.neg_category_ids)).toEqual([[], [], [], [4, 1]]);
    expect(sub.images.map((i) => i.not_exhaustive_category_ids)).toEqual([[1], [], [], []]);
    expectConsistent(sub);
  });

  it('keeps images that only label a kept category negative or not exhaustive', () => {
    const sub = makeSubset(tiny(), { categories: ['banana'] });
    // image 12: annotation 5; image 11: negative for 2; image 13: not exhaustive for 2.
    expect(sub.images.map((i) => i.id)).toEqual([11, 12, 13]);
    expect(sub.annotations.map((a) => a.id)).toEqual([5]);
    expect(sub.categories).toMatchObject([{ id: 2, image_count: 1, instance_count: 1, frequency: 'r' }]);
    expect(makeSubset(tiny(), { categories: ['banana'], keepFrequency: true }).categories[0]!.frequency).toBe('c');
    expect(makeSubset(tiny(), { categories: ['banana'], keepAllImages: true }).images).toHaveLength(4);
    expectConsistent(sub);
  });

  it('draws images deterministically from the seed', () => {
    const a = makeSubset(tiny(), { images: 2, seed: 5 });
    expect(a.images).toHaveLength(2);
    expect(makeSubset(tiny(), { images: 2, seed: 5 })).toEqual(a);
    const draws = new Set(Array.from({ length: 20 }, (_, s) => makeSubset(tiny(), { images: 2, seed: s }).images.map((i) => i.id).join(',')));
    expect(draws.size).toBeGreaterThan(1);
    expectConsistent(a);
  });

  it('rejects unknown categories and bad counts with the option path', () => {
    expect(() => makeSubset(tiny(), { categories: [1, 'kiwi'] })).toThrow(BalmsInputError);
    expect(() => makeSubset(tiny(), { categories: [1, 'kiwi'] })).toThrow(/categories\[1\]: unknown category "kiwi"/);
    expect(() => makeSubset(tiny(), { categories: [99] })).toThrow(/categories\[0\]: unknown category id 99/);
    expect(() => makeSubset(tiny(), { images: -1 })).toThrow(/images: expected a non-negative integer/);
    expect(() => makeSubset(tiny(), { perBucket: { r: 1.5 } })).toThrow(/perBucket\.r/);
  });
});

describe.skipIf(!existsSync(shared))('makeSubset on lvis_val_100.json', () => {
  // read only when the shared file is there: a skipped describe still runs its body to collect tests
  const ds = existsSync(shared) ? parseLvisDataset(JSON.parse(readFileSync(shared, 'utf8')), shared) : (undefined as never as LvisDataset);

  it('draws per frequency bucket (file frequency, annotated categories only) and stays consistent', () => {
    const sub = makeSubset(ds, { perBucket: { r: 1, c: 5, f: 7 }, seed: 3 });
    const orig = new Map(ds.categories.map((c) => [c.id, c]));
    const byBucket = { r: 0, c: 0, f: 0 };
    for (const c of sub.categories) byBucket[orig.get(c.id)!.frequency!]++;
    // lvis_val_100 has exactly 1 annotated rare category.
    expect(byBucket).toEqual({ r: 1, c: 5, f: 7 });
    for (const c of sub.categories) expect(c.instance_count).toBeGreaterThan(0);
    expectConsistent(sub);
    expect(categoryStats(sub).mismatches).toEqual([]);
    expect(makeSubset(ds, { perBucket: { r: 1, c: 5, f: 7 }, seed: 3 })).toEqual(sub);
    expect(makeSubset(ds, { perBucket: { r: 1, c: 5, f: 7 }, seed: 4 }).categories).not.toEqual(sub.categories);
  });

  it('keeps every annotation of kept images when only images are drawn', () => {
    const sub = makeSubset(ds, { images: 30, seed: 1 });
    expect(sub.images).toHaveLength(30);
    expect(sub.categories).toHaveLength(ds.categories.length);
    const kept = new Set(sub.images.map((i) => i.id));
    expect(sub.annotations).toEqual(ds.annotations.filter((a) => kept.has(a.image_id)));
    for (const im of sub.images) expect(im).toEqual(ds.images.find((i) => i.id === im.id)); // lists unchanged: all categories kept
    expectConsistent(sub);
  });
});
