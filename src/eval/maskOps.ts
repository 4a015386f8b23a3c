/**
 * The slice of the pycocotools-exact mask API (src/coco/mask) the evaluator uses, in one place.
 */
import type { RleJson, Segmentation } from '../coco/types.js';
import { area, bboxIouPair, iou, iouInto, rleFromBytes, rleFromBytesInto, rleFromString, segmentationToRle, toBbox } from '../coco/mask/index.js';
import type { Rle } from '../coco/mask/index.js';

export type { Rle };
export { bboxIouPair };

/** A detection's compressed RLE as lvis-api uses it: as is, with its own size. */
export function detectionRle(seg: RleJson): Rle {
  if (typeof seg.counts === 'string') return rleFromString(seg.counts, seg.size[0], seg.size[1]);
  return segmentationToRle(seg, seg.size[0], seg.size[1]);
}

/** lvis-api `ann_to_rle`: polygons are rasterized at the image size and merged; RLEs are used as is. */
export function annotationRle(seg: Segmentation, h: number, w: number): Rle {
  return segmentationToRle(seg, h, w);
}

export function rleArea(r: Rle): number {
  return area(r);
}

export function rleBbox(r: Rle): [number, number, number, number] {
  return toBbox(r);
}

/** `maskUtils.iou(dt, gt, iscrowd)`: D×G, row-major by detection. */
export function rleIouMatrix(dt: Rle[], gt: Rle[], iscrowd: ArrayLike<number>): Float64Array {
  return iou(dt, gt, iscrowd);
}

/** `rleIouMatrix` into `out[0 .. D*G)`. */
export function rleIouMatrixInto(dt: Rle[], gt: Rle[], iscrowd: ArrayLike<number>, out: Float64Array): void {
  iouInto(dt, gt, iscrowd, out);
}

/** `detectionRle` of a compressed string kept as bytes (`b[start..end)`) with its size. */
export function detectionRleBytes(b: Uint8Array, start: number, end: number, h: number, w: number, jsonEscaped: boolean): Rle {
  return rleFromBytes(b, start, end, h, w, jsonEscaped);
}

let runs = new Uint32Array(1024);

/**
 * `area(rleFromString(s))` without allocating a mask, for the string in `b[start..end)` (as
 * `rleFromBytesInto` reads it; `text`:
 * the same string, for messages): decoded into one reused buffer.
 */
export function rleBytesArea(b: Uint8Array, start: number, end: number, jsonEscaped: boolean, text?: string): number {
  const n = end - start;
  if (runs.length < n) runs = new Uint32Array(Math.max(n, 2 * runs.length));
  const m = rleFromBytesInto(b, start, end, runs, 0, jsonEscaped, text);
  let a = 0;
  for (let i = 1; i < m; i += 2) a += runs[i];
  return a >>> 0; // modulo 2^32, as `area`
}
