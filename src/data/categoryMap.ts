import type { LvisCategory } from '../coco/types.js';
import { BalmsInputError } from '../util/errors.js';

/**
 * The mapping between dataset category ids (sparse, e.g. LVIS 1…1203 or COCO 1…90) and the
 * contiguous class indices 0…K−1 a classifier uses. Indices follow ascending category id, the
 * convention of detectron2 and lvis-api, so the same categories always give the same mapping.
 */
export class CategoryMap {
  /** Category ids in index order: `ids[index] = categoryId`. */
  readonly ids: Int32Array;
  private readonly index = new Map<number, number>();

  constructor(categoryIds: Iterable<number>) {
    const sorted = [...new Set(categoryIds)].sort((a, b) => a - b);
    for (const id of sorted) if (!Number.isInteger(id)) throw new BalmsInputError(`category id must be an integer, got ${id}`);
    this.ids = Int32Array.from(sorted);
    sorted.forEach((id, i) => this.index.set(id, i));
  }

  static fromCategories(categories: readonly LvisCategory[]): CategoryMap {
    return new CategoryMap(categories.map((c) => c.id));
  }

  /** K, the number of classes. */
  get size(): number {
    return this.ids.length;
  }

  /** The contiguous index of a category id; throws for an unknown id. */
  toIndex(categoryId: number): number {
    const i = this.index.get(categoryId);
    if (i === undefined) throw new BalmsInputError(`unknown category id ${categoryId}`);
    return i;
  }

  /** The contiguous index, or −1 for an unknown id. */
  indexOrMinus1(categoryId: number): number {
    return this.index.get(categoryId) ?? -1;
  }

  /** The category id of a contiguous index; throws when out of range. */
  toCategoryId(index: number): number {
    if (!Number.isInteger(index) || index < 0 || index >= this.ids.length) throw new BalmsInputError(`class index ${index} out of range [0, ${this.ids.length})`);
    return this.ids[index]!;
  }

  has(categoryId: number): boolean {
    return this.index.has(categoryId);
  }
}
