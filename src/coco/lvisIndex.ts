import type { LvisAnnotation, LvisCategory, LvisDataset, LvisImage } from './types.js';
import { BalmsInputError } from '../util/errors.js';

/**
 * Lookups over a validated LVIS/COCO dataset, built once in O(images + annotations): images and
 * categories by id, sorted id lists, annotations by image and by category (file order kept), the
 * distinct categories of each image, and the federated negative / not-exhaustive sets. Per-image
 * and per-category lists are stored as CSR (offsets + Int32Array) with no per-record allocation.
 * "Index" below means a position in the sorted id lists (`imageIds`, `categoryIds`).
 */
export class LvisIndex {
  readonly dataset: LvisDataset;
  /** Image ids, ascending. */
  readonly imageIds: Float64Array;
  /** Category ids, ascending. */
  readonly categoryIds: Float64Array;
  /** Per category index: number of distinct images with an annotation of it. */
  readonly categoryImageCount: Int32Array;
  /** Per category index: number of annotations. */
  readonly categoryInstanceCount: Int32Array;

  private readonly imgPos = new Map<number, number>();
  private readonly catPos = new Map<number, number>();
  private readonly imagesByIndex: LvisImage[];
  private readonly categoriesByIndex: LvisCategory[];
  private readonly annImgOff: Int32Array;
  private readonly annImg: Int32Array;
  private readonly annCatOff: Int32Array;
  private readonly annCat: Int32Array;
  private readonly catsOff: Int32Array;
  private readonly cats: Int32Array;
  private readonly negOff: Int32Array;
  private readonly neg: Int32Array;
  private readonly nelOff: Int32Array;
  private readonly nel: Int32Array;

  constructor(dataset: LvisDataset) {
    this.dataset = dataset;
    const { images, annotations, categories } = dataset;
    this.imagesByIndex = images.slice().sort((a, b) => a.id - b.id);
    this.categoriesByIndex = categories.slice().sort((a, b) => a.id - b.id);
    const nI = images.length;
    const nC = categories.length;
    const nA = annotations.length;
    this.imageIds = new Float64Array(nI);
    this.categoryIds = new Float64Array(nC);
    for (let i = 0; i < nI; i++) {
      const id = this.imagesByIndex[i]!.id;
      this.imageIds[i] = id;
      this.imgPos.set(id, i);
    }
    for (let c = 0; c < nC; c++) {
      const id = this.categoriesByIndex[c]!.id;
      this.categoryIds[c] = id;
      this.catPos.set(id, c);
    }

    // Annotation → (image index, category index), then counting sorts into CSR.
    const annI = new Int32Array(nA);
    const annC = new Int32Array(nA);
    this.annImgOff = new Int32Array(nI + 1);
    this.annCatOff = new Int32Array(nC + 1);
    for (let a = 0; a < nA; a++) {
      const ann = annotations[a]!;
      const i = this.imgPos.get(ann.image_id);
      const c = this.catPos.get(ann.category_id);
      if (i === undefined || c === undefined) {
        throw new BalmsInputError(`LvisIndex: annotations[${a}] references an unknown image or category; validate the dataset first`);
      }
      annI[a] = i;
      annC[a] = c;
      this.annImgOff[i + 1]!++;
      this.annCatOff[c + 1]!++;
    }
    prefixSum(this.annImgOff);
    prefixSum(this.annCatOff);
    this.annImg = new Int32Array(nA);
    this.annCat = new Int32Array(nA);
    const fillI = this.annImgOff.slice(0, nI);
    const fillC = this.annCatOff.slice(0, nC);
    for (let a = 0; a < nA; a++) {
      this.annImg[fillI[annI[a]!]!++] = a;
      this.annCat[fillC[annC[a]!]!++] = a;
    }

    // Distinct categories per image (sorted by index) and the per-category counts.
    this.categoryInstanceCount = new Int32Array(nC);
    this.categoryImageCount = new Int32Array(nC);
    const seen = new Int32Array(nC).fill(-1);
    const catsTmp = new Int32Array(nA);
    this.catsOff = new Int32Array(nI + 1);
    let w = 0;
    for (let i = 0; i < nI; i++) {
      const start = w;
      for (let k = this.annImgOff[i]!; k < this.annImgOff[i + 1]!; k++) {
        const c = annC[this.annImg[k]!]!;
        this.categoryInstanceCount[c]!++;
        if (seen[c] !== i) {
          seen[c] = i;
          catsTmp[w++] = c;
          this.categoryImageCount[c]!++;
        }
      }
      catsTmp.subarray(start, w).sort();
      this.catsOff[i + 1] = w;
    }
    this.cats = catsTmp.slice(0, w);

    [this.negOff, this.neg] = this.categoryListCsr('neg_category_ids');
    [this.nelOff, this.nel] = this.categoryListCsr('not_exhaustive_category_ids');
  }

  /** CSR of the sorted, distinct known category indices in each image's `key` list. */
  private categoryListCsr(key: 'neg_category_ids' | 'not_exhaustive_category_ids'): [Int32Array, Int32Array] {
    const nI = this.imagesByIndex.length;
    let total = 0;
    for (let i = 0; i < nI; i++) total += this.imagesByIndex[i]![key]?.length ?? 0;
    const out = new Int32Array(total);
    const off = new Int32Array(nI + 1);
    let w = 0;
    for (let i = 0; i < nI; i++) {
      const list = this.imagesByIndex[i]![key];
      let n = 0;
      if (list) {
        for (const id of list) {
          const c = this.catPos.get(id);
          if (c !== undefined) out[w + n++] = c;
        }
        const seg = out.subarray(w, w + n).sort();
        let u = 0;
        for (let k = 0; k < n; k++) if (k === 0 || seg[k] !== seg[k - 1]) seg[u++] = seg[k]!;
        n = u;
      }
      w += n;
      off[i + 1] = w;
    }
    return [off, out.slice(0, w)];
  }

  get numImages(): number {
    return this.imageIds.length;
  }

  get numCategories(): number {
    return this.categoryIds.length;
  }

  /** Position of an image id in `imageIds`, or -1. */
  imageIndex(imageId: number): number {
    return this.imgPos.get(imageId) ?? -1;
  }

  /** Position of a category id in `categoryIds`, or -1. */
  categoryIndex(categoryId: number): number {
    return this.catPos.get(categoryId) ?? -1;
  }

  image(imageId: number): LvisImage | undefined {
    const i = this.imgPos.get(imageId);
    return i === undefined ? undefined : this.imagesByIndex[i];
  }

  category(categoryId: number): LvisCategory | undefined {
    const c = this.catPos.get(categoryId);
    return c === undefined ? undefined : this.categoriesByIndex[c];
  }

  hasImage(imageId: number): boolean {
    return this.imgPos.has(imageId);
  }

  hasCategory(categoryId: number): boolean {
    return this.catPos.has(categoryId);
  }

  /** Indices into `dataset.annotations` of an image's annotations, in file order (empty if unknown). */
  annotationIndicesOfImage(imageId: number): Int32Array {
    const i = this.imgPos.get(imageId);
    return i === undefined ? EMPTY : this.annImg.subarray(this.annImgOff[i]!, this.annImgOff[i + 1]!);
  }

  /** Indices into `dataset.annotations` of a category's annotations, in file order. */
  annotationIndicesOfCategory(categoryId: number): Int32Array {
    const c = this.catPos.get(categoryId);
    return c === undefined ? EMPTY : this.annCat.subarray(this.annCatOff[c]!, this.annCatOff[c + 1]!);
  }

  annotationsOfImage(imageId: number): LvisAnnotation[] {
    return Array.from(this.annotationIndicesOfImage(imageId), (a) => this.dataset.annotations[a]!);
  }

  annotationsOfCategory(categoryId: number): LvisAnnotation[] {
    return Array.from(this.annotationIndicesOfCategory(categoryId), (a) => this.dataset.annotations[a]!);
  }

  /** Category indices (ascending) annotated in an image. */
  categoryIndicesOfImage(imageId: number): Int32Array {
    return this.slice(this.catsOff, this.cats, imageId);
  }

  /** Category ids (ascending) annotated in an image. */
  categoryIdsOfImage(imageId: number): number[] {
    return Array.from(this.categoryIndicesOfImage(imageId), (c) => this.categoryIds[c]!);
  }

  /** Whether an image has at least one annotation of a category. */
  imageHasCategory(imageId: number, categoryId: number): boolean {
    return this.contains(this.catsOff, this.cats, imageId, categoryId);
  }

  /** Category indices (ascending, distinct) verified absent from an image. */
  negativeCategoryIndices(imageId: number): Int32Array {
    return this.slice(this.negOff, this.neg, imageId);
  }

  /** Category indices (ascending, distinct) not exhaustively annotated in an image. */
  notExhaustiveCategoryIndices(imageId: number): Int32Array {
    return this.slice(this.nelOff, this.nel, imageId);
  }

  isNegative(imageId: number, categoryId: number): boolean {
    return this.contains(this.negOff, this.neg, imageId, categoryId);
  }

  isNotExhaustive(imageId: number, categoryId: number): boolean {
    return this.contains(this.nelOff, this.nel, imageId, categoryId);
  }

  /** `[height, width]` of an image, or undefined if the id is unknown. */
  imageSize(imageId: number): [number, number] | undefined {
    const im = this.image(imageId);
    return im ? [im.height, im.width] : undefined;
  }

  private slice(off: Int32Array, data: Int32Array, imageId: number): Int32Array {
    const i = this.imgPos.get(imageId);
    return i === undefined ? EMPTY : data.subarray(off[i]!, off[i + 1]!);
  }

  private contains(off: Int32Array, data: Int32Array, imageId: number, categoryId: number): boolean {
    const i = this.imgPos.get(imageId);
    const c = this.catPos.get(categoryId);
    if (i === undefined || c === undefined) return false;
    let lo = off[i]!;
    let hi = off[i + 1]! - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = data[mid]!;
      if (v === c) return true;
      if (v < c) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }
}

const EMPTY = new Int32Array(0);

function prefixSum(a: Int32Array): void {
  for (let i = 1; i < a.length; i++) a[i]! += a[i - 1]!;
}
