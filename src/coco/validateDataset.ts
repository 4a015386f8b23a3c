import type { LvisDataset } from './types.js';
import {
  checkBbox,
  checkFinite,
  checkId,
  checkNonNegInt,
  checkPolygons,
  checkPositiveInt,
  checkRle,
  describeValue,
  fail,
  findDuplicate,
  isObject,
} from './validateCommon.js';

/** Which annotation format to check against. `auto` treats a file as LVIS when its first category has `frequency` or its first image has `neg_category_ids`. */
export type DatasetFormat = 'auto' | 'lvis' | 'coco';

export interface ValidateDatasetOptions {
  format?: DatasetFormat;
  /**
   * Accept polygons with fewer than 3 points (some COCO-style files contain them; pycocotools
   * rasterizes them to little or nothing). Default false: LVIS and detectron2 require ≥ 3 points.
   */
  allowDegeneratePolygons?: boolean;
}

const FREQUENCIES = new Set(['r', 'c', 'f']);

/**
 * Checks an LVIS (v0.5, v1) or COCO annotation object in one pass and returns it typed. Throws a
 * `BalmsInputError` naming `file`, the JSON path and the problem: missing keys, wrong types,
 * duplicate ids, unknown image/category ids, bad polygons, non-finite or negative boxes, RLE sizes
 * that differ from the image, bad `frequency` values.
 */
export function validateDataset(obj: unknown, file?: string, opts: ValidateDatasetOptions = {}): LvisDataset {
  if (!isObject(obj)) fail(file, '$', `expected a JSON object with images, annotations and categories, got ${describeValue(obj)}`);
  for (const key of ['images', 'annotations', 'categories'] as const) {
    const v = obj[key];
    if (!Array.isArray(v)) fail(file, key, v === undefined ? 'missing key' : `expected an array, got ${describeValue(v)}`);
  }
  const images = obj['images'] as unknown[];
  const annotations = obj['annotations'] as unknown[];
  const categories = obj['categories'] as unknown[];
  const lvis = isLvis(obj, opts.format ?? 'auto');

  // Categories.
  const catIds = new Float64Array(categories.length);
  for (let i = 0; i < categories.length; i++) {
    const c = categories[i];
    const p = `categories[${i}]`;
    if (!isObject(c)) fail(file, p, `expected a category object, got ${describeValue(c)}`);
    catIds[i] = checkId(c['id'], file, `${p}.id`);
    const name = c['name'];
    if (typeof name !== 'string' || name.length === 0) fail(file, `${p}.name`, name === undefined ? 'missing key' : `expected a non-empty string, got ${describeValue(name)}`);
    const freq = c['frequency'];
    if (freq !== undefined || lvis) {
      if (typeof freq !== 'string' || !FREQUENCIES.has(freq)) fail(file, `${p}.frequency`, freq === undefined ? 'missing key (LVIS categories need a frequency)' : `expected "r", "c" or "f", got ${describeValue(freq)}`);
    }
    if (c['image_count'] !== undefined) checkNonNegInt(c['image_count'], file, `${p}.image_count`);
    if (c['instance_count'] !== undefined) checkNonNegInt(c['instance_count'], file, `${p}.instance_count`);
  }
  const dupCat = findDuplicate(catIds);
  if (dupCat) fail(file, `categories[${dupCat[1]}].id`, `duplicate category id ${catIds[dupCat[1]]} (also categories[${dupCat[0]}])`);
  const catSet = new Set<number>(catIds);

  // Images.
  const imgIds = new Float64Array(images.length);
  const imgPos = new Map<number, number>();
  const heights = new Int32Array(images.length);
  const widths = new Int32Array(images.length);
  for (let i = 0; i < images.length; i++) {
    const im = images[i];
    const p = `images[${i}]`;
    if (!isObject(im)) fail(file, p, `expected an image object, got ${describeValue(im)}`);
    const id = checkId(im['id'], file, `${p}.id`);
    imgIds[i] = id;
    const prev = imgPos.get(id);
    if (prev !== undefined) fail(file, `${p}.id`, `duplicate image id ${id} (also images[${prev}])`);
    imgPos.set(id, i);
    heights[i] = checkPositiveInt(im['height'], file, `${p}.height`);
    widths[i] = checkPositiveInt(im['width'], file, `${p}.width`);
    for (const key of ['neg_category_ids', 'not_exhaustive_category_ids'] as const) {
      const list = im[key];
      if (list === undefined && !lvis) continue;
      if (!Array.isArray(list)) fail(file, `${p}.${key}`, list === undefined ? 'missing key (LVIS images need it; use [] for none)' : `expected a list of category ids, got ${describeValue(list)}`);
      for (let k = 0; k < list.length; k++) {
        const cid = checkId(list[k], file, `${p}.${key}[${k}]`);
        if (!catSet.has(cid)) fail(file, `${p}.${key}[${k}]`, `unknown category id ${cid}`);
      }
    }
  }

  // Annotations.
  const annIds = new Float64Array(annotations.length);
  for (let i = 0; i < annotations.length; i++) {
    const a = annotations[i];
    const p = `annotations[${i}]`;
    if (!isObject(a)) fail(file, p, `expected an annotation object, got ${describeValue(a)}`);
    const id = checkId(a['id'], file, `${p}.id`);
    annIds[i] = id;
    const imageId = checkId(a['image_id'], file, `${p}.image_id`);
    const ip = imgPos.get(imageId);
    if (ip === undefined) fail(file, `${p}.image_id`, `unknown image id ${imageId} (not in images)`);
    const catId = checkId(a['category_id'], file, `${p}.category_id`);
    if (!catSet.has(catId)) fail(file, `${p}.category_id`, `unknown category id ${catId} (not in categories)`);
    checkBbox(a['bbox'], file, `${p}.bbox`);
    const area = checkFinite(a['area'], file, `${p}.area`);
    if (area < 0) fail(file, `${p}.area`, `area is negative (${area})`);
    const crowd = a['iscrowd'];
    if (crowd !== undefined && crowd !== 0 && crowd !== 1) fail(file, `${p}.iscrowd`, `expected 0 or 1, got ${describeValue(crowd)}`);
    const seg = a['segmentation'];
    if (seg === undefined) {
      if (lvis) fail(file, `${p}.segmentation`, 'missing key');
    } else if (Array.isArray(seg)) {
      checkPolygons(seg, file, `${p}.segmentation`, opts.allowDegeneratePolygons ?? false);
    } else if (isObject(seg)) {
      checkRle(seg, heights[ip]!, widths[ip]!, file, `${p}.segmentation`, false);
    } else {
      fail(file, `${p}.segmentation`, `expected a list of polygons or an RLE object, got ${describeValue(seg)}`);
    }
  }
  const dupAnn = findDuplicate(annIds);
  if (dupAnn) fail(file, `annotations[${dupAnn[1]}].id`, `duplicate annotation id ${annIds[dupAnn[1]]} (also annotations[${dupAnn[0]}])`);

  return obj as unknown as LvisDataset;
}

function isLvis(obj: Record<string, unknown>, format: DatasetFormat): boolean {
  if (format !== 'auto') return format === 'lvis';
  const c0 = (obj['categories'] as unknown[])[0];
  const i0 = (obj['images'] as unknown[])[0];
  return (isObject(c0) && 'frequency' in c0) || (isObject(i0) && 'neg_category_ids' in i0);
}

/** Validates an in-memory annotation object (e.g. from `JSON.parse`) and returns it typed. */
export function parseLvisDataset(obj: unknown, file?: string, opts: ValidateDatasetOptions = {}): LvisDataset {
  return validateDataset(obj, file, opts);
}
