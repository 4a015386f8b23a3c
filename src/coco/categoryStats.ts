import type { Frequency, LvisDataset } from './types.js';
import { BalmsInputError } from '../util/errors.js';

/** LVIS's bucket bounds: rare ≤ 10 training images, common ≤ 100, frequent above. */
export const LVIS_FREQUENCY_THRESHOLDS: readonly [number, number] = [10, 100];

/** LVIS bins by training-image count: r = 0–10 (LVIS: 1–10), c = 11–100, f > 100; other bounds `[rareMax, commonMax]` for other sets. */
export function frequencyOfImageCount(imageCount: number, thresholds: readonly [number, number] = LVIS_FREQUENCY_THRESHOLDS): Frequency {
  return imageCount <= thresholds[0] ? 'r' : imageCount <= thresholds[1] ? 'c' : 'f';
}

export interface CategoryStat {
  id: number;
  name: string;
  /** Distinct images with at least one annotation of the category (recomputed). */
  image_count: number;
  /** Annotations of the category (recomputed). */
  instance_count: number;
  /** `frequencyOfImageCount(image_count)`. */
  frequency: Frequency;
  /** The category's own fields in the file, where present. */
  file: { image_count?: number; instance_count?: number; frequency?: Frequency };
}

export interface CategoryMismatch {
  id: number;
  name: string;
  field: 'image_count' | 'instance_count' | 'frequency';
  file: number | string;
  computed: number | string;
}

export interface BucketCounts {
  r: number;
  c: number;
  f: number;
}

export interface DatasetStats {
  images: number;
  annotations: number;
  categories: number;
  /** Categories with no annotation in this file (their recomputed frequency is r). */
  unseenCategories: number;
  /**
   * Categories per bucket by the recomputed frequency (`none`: no annotation in this file, left out
   * of r here), and by the file's `frequency` field (`missing`: no such field).
   */
  categoriesPerBucket: { computed: BucketCounts & { none: number }; file: BucketCounts & { missing: number } };
  /** Annotations per bucket, bucketing each category by its file `frequency` (else recomputed). */
  instancesPerBucket: BucketCounts;
  /** Per category, in ascending id order. */
  perCategory: CategoryStat[];
  /** Every file field that differs from the recomputed value. */
  mismatches: CategoryMismatch[];
}

/**
 * Recomputes each category's image_count, instance_count and frequency from the annotations (one
 * pass, typed arrays) and compares them with the file's own fields. Note that LVIS val files keep
 * the *training* counts and frequency, so on a val file every differing category is listed.
 */
export function categoryStats(ds: LvisDataset): DatasetStats {
  const cats = ds.categories.slice().sort((a, b) => a.id - b.id);
  const nC = cats.length;
  const catPos = new Map<number, number>();
  for (let c = 0; c < nC; c++) catPos.set(cats[c]!.id, c);
  const imgPos = new Map<number, number>();
  for (let i = 0; i < ds.images.length; i++) imgPos.set(ds.images[i]!.id, i);

  const instances = new Int32Array(nC);
  const imageCount = new Int32Array(nC);
  // Distinct (image, category) pairs: visit annotations grouped by image (a counting sort, since
  // one image's annotations need not be adjacent in the file) and count a category once per image.
  const annImage = new Int32Array(ds.annotations.length);
  const annCat = new Int32Array(ds.annotations.length);
  for (let a = 0; a < ds.annotations.length; a++) {
    const ann = ds.annotations[a]!;
    const c = catPos.get(ann.category_id);
    const i = imgPos.get(ann.image_id);
    if (c === undefined || i === undefined) throw new BalmsInputError(`categoryStats: annotations[${a}] has an unknown image or category; validate first`);
    annImage[a] = i;
    annCat[a] = c;
    instances[c]!++;
  }
  const order = sortIndicesByKey(annImage, ds.images.length);
  const lastImage = new Int32Array(nC).fill(-1);
  for (let k = 0; k < order.length; k++) {
    const a = order[k]!;
    const c = annCat[a]!;
    if (lastImage[c] !== annImage[a]) {
      lastImage[c] = annImage[a]!;
      imageCount[c]!++;
    }
  }

  const perCategory: CategoryStat[] = [];
  const mismatches: CategoryMismatch[] = [];
  const computed = { r: 0, c: 0, f: 0, none: 0 };
  const file = { r: 0, c: 0, f: 0, missing: 0 };
  const instancesPerBucket: BucketCounts = { r: 0, c: 0, f: 0 };
  let unseen = 0;
  for (let c = 0; c < nC; c++) {
    const cat = cats[c]!;
    const stat: CategoryStat = {
      id: cat.id,
      name: cat.name,
      image_count: imageCount[c]!,
      instance_count: instances[c]!,
      frequency: frequencyOfImageCount(imageCount[c]!),
      file: {},
    };
    if (cat.image_count !== undefined) stat.file.image_count = cat.image_count;
    if (cat.instance_count !== undefined) stat.file.instance_count = cat.instance_count;
    if (cat.frequency !== undefined) stat.file.frequency = cat.frequency;
    perCategory.push(stat);
    computed[stat.image_count === 0 ? 'none' : stat.frequency]++;
    if (cat.frequency) file[cat.frequency]++;
    else file.missing++;
    instancesPerBucket[cat.frequency ?? stat.frequency] += stat.instance_count;
    if (stat.image_count === 0) unseen++;
    for (const field of ['image_count', 'instance_count', 'frequency'] as const) {
      const f = stat.file[field];
      if (f !== undefined && f !== stat[field]) mismatches.push({ id: cat.id, name: cat.name, field, file: f, computed: stat[field] });
    }
  }
  return {
    images: ds.images.length,
    annotations: ds.annotations.length,
    categories: nC,
    unseenCategories: unseen,
    categoriesPerBucket: { computed, file },
    instancesPerBucket,
    perCategory,
    mismatches,
  };
}

/** Indices 0..n-1 stably sorted by `key[i]` in [0, range) (a counting sort). */
export function sortIndicesByKey(key: Int32Array, range: number): Int32Array {
  const count = new Int32Array(range + 1);
  for (let i = 0; i < key.length; i++) count[key[i]! + 1]!++;
  for (let k = 1; k <= range; k++) count[k]! += count[k - 1]!;
  const out = new Int32Array(key.length);
  for (let i = 0; i < key.length; i++) out[count[key[i]!]!++] = i;
  return out;
}
