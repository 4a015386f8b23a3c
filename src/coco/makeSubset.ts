import { BalmsInputError } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import { categoryStats, frequencyOfImageCount } from './categoryStats.js';
import type { Frequency, LvisCategory, LvisDataset, LvisImage } from './types.js';

export interface SubsetOptions {
  /** Categories to keep, by id or name. Default: all. */
  categories?: Array<number | string>;
  /**
   * Draw this many categories per frequency bucket (among the `categories` above, and only ones
   * with at least one annotation in the file). The bucket is the file's `frequency` field, or the
   * one recomputed from the annotations where the field is absent.
   */
  perBucket?: Partial<Record<Frequency, number>>;
  /** Draw at most this many images (among those relevant to the kept categories). */
  images?: number;
  /** Seed of the random draws (default 0). */
  seed?: number;
  /** Keep images with no positive or negative label of a kept category (default: only when no category filter is given). */
  keepAllImages?: boolean;
  /** Keep each category's `frequency` from the file instead of recomputing it (counts are still recomputed). */
  keepFrequency?: boolean;
}

/**
 * Carves a consistent LVIS subset: the chosen categories and images, the annotations of both,
 * negative / not-exhaustive lists restricted to kept categories, and image_count, instance_count
 * and frequency recomputed over the subset. Deterministic for a given seed. A category filter keeps,
 * unless `keepAllImages`, only images that have an annotation of a kept category or list one as
 * negative or not exhaustive. The input is not modified; annotations are shared, images and
 * categories are copied.
 */
export function makeSubset(ds: LvisDataset, opts: SubsetOptions = {}): LvisDataset {
  const rng = new Rng(opts.seed ?? 0);
  const filterCats = opts.categories !== undefined || opts.perBucket !== undefined;

  // 1. Categories.
  let kept = opts.categories ? resolveCategories(ds.categories, opts.categories) : ds.categories.slice();
  if (opts.perBucket) {
    const stats = categoryStats(ds);
    const byId = new Map(stats.perCategory.map((s) => [s.id, s]));
    const chosen = new Set<LvisCategory>();
    for (const b of ['r', 'c', 'f'] as const) {
      const want = opts.perBucket[b];
      if (want === undefined) continue;
      if (!Number.isSafeInteger(want) || want < 0) throw new BalmsInputError(`expected a non-negative integer, got ${want}`, { path: `perBucket.${b}` });
      const pool = kept.filter((c) => {
        const s = byId.get(c.id)!;
        return s.instance_count > 0 && (c.frequency ?? s.frequency) === b;
      });
      rng.shuffle(pool);
      for (const c of pool.slice(0, want)) chosen.add(c);
    }
    kept = kept.filter((c) => chosen.has(c));
  }
  const keptCat = new Set(kept.map((c) => c.id));

  // 2. Images: the relevant ones, then a seeded draw.
  const relevant = new Uint8Array(ds.images.length);
  const imgPos = new Map<number, number>();
  ds.images.forEach((im, i) => imgPos.set(im.id, i));
  if (!filterCats || opts.keepAllImages) relevant.fill(1);
  else {
    for (const a of ds.annotations) if (keptCat.has(a.category_id)) relevant[imgPos.get(a.image_id)!] = 1;
    ds.images.forEach((im, i) => {
      if (relevant[i]) return;
      if (im.neg_category_ids?.some((c) => keptCat.has(c)) || im.not_exhaustive_category_ids?.some((c) => keptCat.has(c))) relevant[i] = 1;
    });
  }
  let pool: number[] = [];
  for (let i = 0; i < relevant.length; i++) if (relevant[i]) pool.push(i);
  if (opts.images !== undefined) {
    if (!Number.isSafeInteger(opts.images) || opts.images < 0) throw new BalmsInputError(`expected a non-negative integer, got ${opts.images}`, { path: 'images' });
    if (opts.images < pool.length) pool = Array.from(rng.shuffle(pool).slice(0, opts.images)).sort((a, b) => a - b);
  }
  const keptImg = new Set<number>();
  const images: LvisImage[] = pool.map((i) => {
    const im = ds.images[i]!;
    keptImg.add(im.id);
    const copy: LvisImage = { ...im };
    if (im.neg_category_ids) copy.neg_category_ids = im.neg_category_ids.filter((c) => keptCat.has(c));
    if (im.not_exhaustive_category_ids) copy.not_exhaustive_category_ids = im.not_exhaustive_category_ids.filter((c) => keptCat.has(c));
    return copy;
  });

  // 3. Annotations and recomputed category fields.
  const annotations = ds.annotations.filter((a) => keptImg.has(a.image_id) && keptCat.has(a.category_id));
  const out: LvisDataset = { ...ds, images, annotations, categories: kept };
  const stats = categoryStats(out);
  const statById = new Map(stats.perCategory.map((s) => [s.id, s]));
  out.categories = kept.map((c) => {
    const s = statById.get(c.id)!;
    const copy: LvisCategory = { ...c, image_count: s.image_count, instance_count: s.instance_count };
    copy.frequency = opts.keepFrequency && c.frequency ? c.frequency : frequencyOfImageCount(s.image_count);
    return copy;
  });
  return out;
}

/** Resolves ids or names to categories (file order), rejecting unknown ones. */
function resolveCategories(all: LvisCategory[], wanted: Array<number | string>): LvisCategory[] {
  const byId = new Map(all.map((c) => [c.id, c]));
  const byName = new Map(all.map((c) => [c.name, c]));
  const chosen = new Set<LvisCategory>();
  wanted.forEach((w, k) => {
    const asNum = typeof w === 'number' ? w : /^\d+$/.test(w) ? Number(w) : NaN;
    const c = Number.isNaN(asNum) ? byName.get(String(w)) : byId.get(asNum);
    if (!c) throw new BalmsInputError(`unknown category ${typeof w === 'number' ? `id ${w}` : JSON.stringify(w)}`, { path: `categories[${k}]` });
    chosen.add(c);
  });
  return all.filter((c) => chosen.has(c));
}
