import type { LvisAnnotation, LvisDataset } from '../coco/types.js';
import { BalmsInputError } from '../util/errors.js';
import { countingSortBy } from './indexSort.js';
import { HAS_GT, NEGATIVE, NOT_EXHAUSTIVE, PairFlags } from './pairFlags.js';

/** Which evaluator's loading rules apply. */
export type EvalMode = 'lvis' | 'coco';

/**
 * The ground truth as the evaluator needs it: sorted image and category ids, and the kept
 * annotations in pair order — by image, then category, then file order — in typed arrays.
 */
export interface GtTable {
  /** Every image of the ground truth (results may name any of them). */
  imgIds: number[];
  /** 1 for the images evaluated (all, or those of a restriction); annotations of the others are not kept. */
  imgEvaluated: Uint8Array;
  /** The categories evaluated: all of the ground truth's, or those of a restriction. */
  catIds: number[];
  imgIndex: Map<number, number>;
  catIndex: Map<number, number>;
  imgHeight: Float64Array;
  imgWidth: Float64Array;
  /** Per (image, category): HAS_GT, NEGATIVE, NOT_EXHAUSTIVE. */
  flags: PairFlags;
  /** Kept annotations, pair-ordered. */
  n: number;
  ann: Uint32Array;
  img: Int32Array;
  cat: Int32Array;
  area: Float64Array;
  id: Float64Array;
  /** lvis-api `ignore` / COCOeval `iscrowd`-derived ignore. */
  ignore: Uint8Array;
  crowd: Uint8Array;
  /** `[x, y, w, h]` per annotation (bbox mode), else empty. */
  box: Float64Array;
}

function sortedUniqueIds(list: { id: number }[], what: string): number[] {
  const ids = list.map((x, i) => {
    if (typeof x?.id !== 'number' || !Number.isFinite(x.id)) throw new BalmsInputError('id must be a finite number', { path: `${what}[${i}].id` });
    return x.id;
  });
  ids.sort((a, b) => a - b);
  let m = 0;
  for (let i = 0; i < ids.length; i++) if (i === 0 || ids[i] !== ids[i - 1]) ids[m++] = ids[i];
  ids.length = m;
  return ids;
}

/** Images / categories to evaluate (lvis-api's `params.img_ids` / `params.cat_ids`); all when omitted. */
export interface GtRestriction {
  imgIds?: readonly number[];
  catIds?: readonly number[];
}

/** The sorted unique ids of `wanted`, each of which must be in `known` (sorted). */
function restrictedIds(known: number[], wanted: readonly number[], what: string): number[] {
  const set = new Set(known);
  const out = [...new Set(wanted)].sort((a, b) => a - b);
  for (const id of out) if (!set.has(id)) throw new BalmsInputError(`${what} id ${id} is not in the ground truth`);
  if (out.length === 0) throw new BalmsInputError(`the ${what} restriction is empty`);
  return out;
}

function truthy(v: unknown): boolean {
  return !!v;
}

/**
 * Builds the GT table. LVIS mode keeps only annotations with `0 < area < inf` (lvis-api
 * `get_ann_ids`), sets `ignore` from the optional field, and records negative / not-exhaustive
 * lists; COCO mode keeps every annotation of a known image and category and ignores crowds.
 */
export function buildGtTable(gt: LvisDataset, mode: EvalMode, needBoxes: boolean, restrict: GtRestriction = {}): GtTable {
  if (!gt || !Array.isArray(gt.images) || !Array.isArray(gt.annotations) || !Array.isArray(gt.categories)) {
    throw new BalmsInputError('ground truth must have images, annotations and categories arrays');
  }
  const imgIds = sortedUniqueIds(gt.images, 'images');
  const allCatIds = sortedUniqueIds(gt.categories, 'categories');
  const catIds = restrict.catIds ? restrictedIds(allCatIds, restrict.catIds, 'category') : allCatIds;
  const imgEvaluated = new Uint8Array(imgIds.length).fill(restrict.imgIds ? 0 : 1);
  const imgIndex = new Map<number, number>();
  imgIds.forEach((id, i) => imgIndex.set(id, i));
  const catIndex = new Map<number, number>();
  catIds.forEach((id, i) => catIndex.set(id, i));
  const N = imgIds.length;
  const K = catIds.length;
  if (restrict.imgIds) for (const id of restrictedIds(imgIds, restrict.imgIds, 'image')) imgEvaluated[imgIndex.get(id)!] = 1;
  const imgHeight = new Float64Array(N);
  const imgWidth = new Float64Array(N);
  const flags = new PairFlags(N, K);
  for (const im of gt.images) {
    const i = imgIndex.get(im.id)!;
    imgHeight[i] = im.height;
    imgWidth[i] = im.width;
    if (mode === 'lvis') {
      for (const c of im.neg_category_ids ?? []) {
        const k = catIndex.get(c);
        if (k !== undefined) flags.set(i, k, NEGATIVE);
      }
      for (const c of im.not_exhaustive_category_ids ?? []) {
        const k = catIndex.get(c);
        if (k !== undefined) flags.set(i, k, NOT_EXHAUSTIVE);
      }
    }
  }

  const anns = gt.annotations;
  const keptIdx = new Uint32Array(anns.length);
  const imgOf = new Int32Array(anns.length);
  const catOf = new Int32Array(anns.length);
  let nk = 0;
  for (let j = 0; j < anns.length; j++) {
    const a = anns[j] as LvisAnnotation;
    const i = imgIndex.get(a.image_id);
    const k = catIndex.get(a.category_id);
    if (i === undefined || k === undefined || !imgEvaluated[i]) continue;
    if (typeof a.area !== 'number') throw new BalmsInputError('area must be a number', { path: `annotations[${j}].area` });
    if (mode === 'lvis' && !(a.area > 0 && a.area < Infinity)) continue;
    keptIdx[nk++] = j;
    imgOf[j] = i;
    catOf[j] = k;
    if (mode === 'lvis') flags.set(i, k, HAS_GT);
  }
  // Pair order: stable by category, then stable by image → (image, category, file order).
  const byCat = countingSortBy(keptIdx.subarray(0, nk), catOf, K);
  const order = countingSortBy(byCat, imgOf, N);

  const n = nk;
  const t: GtTable = {
    imgIds, imgEvaluated, catIds, imgIndex, catIndex, imgHeight, imgWidth, flags, n,
    ann: order,
    img: new Int32Array(n),
    cat: new Int32Array(n),
    area: new Float64Array(n),
    id: new Float64Array(n),
    ignore: new Uint8Array(n),
    crowd: new Uint8Array(n),
    box: new Float64Array(needBoxes ? 4 * n : 0),
  };
  for (let p = 0; p < n; p++) {
    const j = order[p];
    const a = anns[j] as LvisAnnotation & { ignore?: unknown };
    t.img[p] = imgOf[j];
    t.cat[p] = catOf[j];
    t.area[p] = a.area;
    t.id[p] = a.id;
    const crowd = mode === 'coco' && truthy(a.iscrowd);
    t.crowd[p] = crowd ? 1 : 0;
    // lvis-api: ignore defaults to 0; COCOeval overwrites ignore with iscrowd.
    t.ignore[p] = (mode === 'coco' ? crowd : truthy(a.ignore)) ? 1 : 0;
    if (needBoxes) {
      const b = a.bbox;
      if (!Array.isArray(b) || b.length !== 4 || !b.every((v) => typeof v === 'number')) {
        throw new BalmsInputError('bbox must be [x, y, width, height]', { path: `annotations[${j}].bbox` });
      }
      t.box[4 * p] = b[0];
      t.box[4 * p + 1] = b[1];
      t.box[4 * p + 2] = b[2];
      t.box[4 * p + 3] = b[3];
    }
  }
  return t;
}
