import type { DetectionResult } from './types.js';
import { checkBbox, checkFinite, checkId, checkRle, describeValue, fail, isObject } from './validateCommon.js';

/** What the results validator needs from the ground truth (an `LvisIndex` provides it). */
export interface ResultsGroundTruth {
  imageSize(imageId: number): [number, number] | undefined;
  hasCategory(categoryId: number): boolean;
}

export interface ValidateResultsOptions {
  /**
   * `bbox`: every result needs `bbox`; `segm`: every result needs a compressed-RLE `segmentation`.
   * Default: like lvis-api, the first result decides (`bbox` if it has a `bbox` key, else `segm`).
   */
  iouType?: 'bbox' | 'segm';
  /** Accept category ids absent from the ground truth (lvis-api silently drops them). Default false. */
  allowUnknownCategories?: boolean;
}

/**
 * Checks a detection results list (bbox or segm) in one pass and returns it typed. Errors name
 * `file`, the JSON path (`[17].segmentation.counts`) and the problem: an empty list, non-objects,
 * missing or non-integer ids, image/category ids unknown to `gt`, a non-finite score, NaN /
 * Infinity / negative-size boxes, segmentations that are not compressed RLE or whose size differs
 * from the image. Without `gt` only the structure is checked.
 */
export function validateResults(
  results: unknown,
  gt?: ResultsGroundTruth,
  file?: string,
  opts: ValidateResultsOptions = {},
): DetectionResult[] {
  if (!Array.isArray(results)) fail(file, '$', `expected a JSON array of detections, got ${describeValue(results)}`);
  if (results.length === 0) fail(file, '$', 'the results list is empty (lvis-api cannot evaluate an empty list)');
  const first = results[0];
  const iouType = opts.iouType ?? (isObject(first) && 'bbox' in first ? 'bbox' : 'segm');
  const allowUnknown = opts.allowUnknownCategories ?? false;
  for (let i = 0; i < results.length; i++) {
    const r = results[i];
    const p = `[${i}]`;
    if (!isObject(r)) fail(file, p, `expected a detection object, got ${describeValue(r)}`);
    const imageId = checkId(r['image_id'], file, `${p}.image_id`);
    const size = gt ? gt.imageSize(imageId) : undefined;
    if (gt && !size) fail(file, `${p}.image_id`, `unknown image id ${imageId} (not in the ground truth)`);
    const catId = checkId(r['category_id'], file, `${p}.category_id`);
    if (gt && !allowUnknown && !gt.hasCategory(catId)) fail(file, `${p}.category_id`, `unknown category id ${catId} (not in the ground truth)`);
    checkFinite(r['score'], file, `${p}.score`);
    const bbox = r['bbox'];
    if (bbox !== undefined) checkBbox(bbox, file, `${p}.bbox`);
    else if (iouType === 'bbox') fail(file, `${p}.bbox`, 'missing key (bbox results need a bbox on every detection)');
    const seg = r['segmentation'];
    if (seg !== undefined) {
      if (!isObject(seg)) {
        fail(file, `${p}.segmentation`, `segm results must be compressed RLE objects {size, counts}, got ${Array.isArray(seg) ? 'a list (polygons?)' : describeValue(seg)}`);
      }
      if (typeof seg['counts'] !== 'string') {
        if (Array.isArray(seg['counts'])) fail(file, `${p}.segmentation.counts`, 'segm results must be compressed RLE (counts a string, as from pycocotools mask.encode), got a list of run lengths');
        fail(file, `${p}.segmentation.counts`, seg['counts'] === undefined ? 'missing key' : `expected a compressed RLE string, got ${describeValue(seg['counts'])}`);
      }
      if (size) checkRle(seg, size[0], size[1], file, `${p}.segmentation`, true);
      else {
        const sz = seg['size'];
        if (!Array.isArray(sz) || sz.length !== 2 || !Number.isSafeInteger(sz[0]) || !Number.isSafeInteger(sz[1]) || sz[0] <= 0 || sz[1] <= 0) {
          fail(file, `${p}.segmentation.size`, sz === undefined ? 'missing key' : `expected [height, width], got ${describeValue(sz)}`);
        }
        checkRle(seg, sz[0] as number, sz[1] as number, file, `${p}.segmentation`, true);
      }
    } else if (iouType === 'segm') {
      fail(file, `${p}.segmentation`, 'missing key (segm results need a compressed RLE segmentation on every detection)');
    }
  }
  return results as DetectionResult[];
}
