/**
 * The class membership of the items a sampler draws from: one label per item (classification,
 * RoIs) or a set of category ids per item (detection images). Stored as compressed rows both
 * ways (item → classes, class → items) so samplers draw without per-draw allocation.
 */
import type { LvisDataset } from '../coco/types.js';
import { BalmsInputError } from '../util/errors.js';

/** One integer label per item, or a list of (possibly repeated) class ids per item. */
export type ItemClassesInput = ArrayLike<number> | ReadonlyArray<ArrayLike<number>>;

export interface ItemClasses {
  readonly numItems: number;
  /** One more than the largest class id (class ids are used as array indices). */
  readonly numClasses: number;
  /** Item i's distinct classes are `itemClassIds[itemStart[i] .. itemStart[i+1])`, ascending. */
  readonly itemStart: Int32Array;
  readonly itemClassIds: Int32Array;
  /** Class c's items are `classItemIds[classStart[c] .. classStart[c+1])`, ascending. */
  readonly classStart: Int32Array;
  readonly classItemIds: Int32Array;
  /** Number of items containing class c (the LVIS `image_count` for image category sets). */
  readonly classItemCount: Int32Array;
}

function checkClassId(v: unknown, where: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0x7fffffff) {
    throw new BalmsInputError(`${where} = ${String(v)} is not a class id (an integer ≥ 0)`);
  }
  return v;
}

/**
 * Indexes item classes. `numClasses` (optional) fixes the class range, e.g. to include
 * classes absent from the data; ids ≥ numClasses are then an error.
 */
export function indexItemClasses(input: ItemClassesInput, numClasses?: number): ItemClasses {
  const n = input.length;
  const itemStart = new Int32Array(n + 1);
  const ids: number[] = [];
  let maxId = -1;
  const scratch: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = (input as ArrayLike<unknown>)[i];
    scratch.length = 0;
    if (typeof v === 'number') {
      scratch.push(checkClassId(v, `labels[${i}]`));
    } else if (v !== null && typeof v === 'object' && typeof (v as ArrayLike<number>).length === 'number') {
      const row = v as ArrayLike<number>;
      for (let k = 0; k < row.length; k++) scratch.push(checkClassId(row[k], `imageCategories[${i}][${k}]`));
      scratch.sort((a, b) => a - b);
    } else {
      throw new BalmsInputError(`item ${i} is neither a label nor a list of class ids`);
    }
    let prev = -1;
    for (const c of scratch) {
      if (c === prev) continue; // a set: repeated instances of a class count once
      ids.push(c);
      prev = c;
      if (c > maxId) maxId = c;
    }
    itemStart[i + 1] = ids.length;
  }
  const C = numClasses ?? maxId + 1;
  if (!Number.isInteger(C) || C < 0) throw new BalmsInputError(`numClasses must be an integer ≥ 0, got ${numClasses}`);
  if (maxId >= C) throw new BalmsInputError(`class id ${maxId} is outside [0, ${C - 1}] (numClasses = ${C})`);
  const itemClassIds = Int32Array.from(ids);
  const classItemCount = new Int32Array(C);
  for (let k = 0; k < itemClassIds.length; k++) classItemCount[itemClassIds[k]!]!++;
  const classStart = new Int32Array(C + 1);
  for (let c = 0; c < C; c++) classStart[c + 1] = classStart[c]! + classItemCount[c]!;
  const fill = classStart.slice(0, C);
  const classItemIds = new Int32Array(itemClassIds.length);
  for (let i = 0; i < n; i++) {
    for (let k = itemStart[i]!; k < itemStart[i + 1]!; k++) classItemIds[fill[itemClassIds[k]!]!++] = i;
  }
  return { numItems: n, numClasses: C, itemStart, itemClassIds, classStart, classItemIds, classItemCount };
}

/**
 * The category-id set of every image of an LVIS/COCO dataset, in `images` order (images with
 * no annotations get an empty set), as detectron2 builds it for repeat factor sampling.
 */
export function imageCategorySets(dataset: Pick<LvisDataset, 'images' | 'annotations'>): number[][] {
  const row = new Map<number, number>();
  dataset.images.forEach((im, i) => row.set(im.id, i));
  const sets: Set<number>[] = dataset.images.map(() => new Set<number>());
  dataset.annotations.forEach((a, k) => {
    const i = row.get(a.image_id);
    if (i === undefined) {
      throw new BalmsInputError(`image_id ${a.image_id} is not in images`, { path: `annotations[${k}].image_id` });
    }
    sets[i]!.add(checkClassId(a.category_id, `annotations[${k}].category_id`));
  });
  return sets.map((s) => [...s].sort((a, b) => a - b));
}
