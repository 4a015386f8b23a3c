/**
 * Box arithmetic over flat typed arrays: boxes are `[x1, y1, x2, y2]` quadruples in image
 * pixels (continuous coordinates, detectron2's XYXY_ABS), stored `R*4` long.
 */
import { BalmsInputError } from '../util/errors.js';

/** Number of boxes in a flat `R*4` array (throws if the length is not a multiple of 4). */
export function boxCount(boxes: ArrayLike<number>): number {
  if (boxes.length % 4 !== 0) throw new BalmsInputError(`boxes: length ${boxes.length} is not a multiple of 4`);
  return boxes.length / 4;
}

/** Areas `(x2-x1)*(y2-y1)` (0 for degenerate boxes). */
export function boxAreas(boxes: ArrayLike<number>): Float32Array {
  const n = boxCount(boxes);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const w = boxes[4 * i + 2]! - boxes[4 * i]!;
    const h = boxes[4 * i + 3]! - boxes[4 * i + 1]!;
    out[i] = w > 0 && h > 0 ? w * h : 0;
  }
  return out;
}

/**
 * Pairwise IoU matrix `[A, B]` (row-major, `out[a*B+b]`), detectron2's `pairwise_iou`:
 * intersection over union of continuous boxes, 0 where the union is empty.
 */
export function pairwiseIou(a: ArrayLike<number>, b: ArrayLike<number>): Float32Array {
  const na = boxCount(a);
  const nb = boxCount(b);
  const out = new Float32Array(na * nb);
  const areaA = boxAreas(a);
  const areaB = boxAreas(b);
  for (let i = 0; i < na; i++) {
    const ax1 = a[4 * i]!, ay1 = a[4 * i + 1]!, ax2 = a[4 * i + 2]!, ay2 = a[4 * i + 3]!;
    const aa = areaA[i]!;
    for (let j = 0; j < nb; j++) {
      const iw = Math.min(ax2, b[4 * j + 2]!) - Math.max(ax1, b[4 * j]!);
      if (iw <= 0) continue;
      const ih = Math.min(ay2, b[4 * j + 3]!) - Math.max(ay1, b[4 * j + 1]!);
      if (ih <= 0) continue;
      const inter = iw * ih;
      const union = aa + areaB[j]! - inter;
      out[i * nb + j] = union > 0 ? inter / union : 0;
    }
  }
  return out;
}

/** IoU of box `i` of `a` with box `j` of `b` (scalar helper for hot loops). */
export function boxIou(a: ArrayLike<number>, i: number, b: ArrayLike<number>, j: number): number {
  const iw = Math.min(a[4 * i + 2]!, b[4 * j + 2]!) - Math.max(a[4 * i]!, b[4 * j]!);
  if (iw <= 0) return 0;
  const ih = Math.min(a[4 * i + 3]!, b[4 * j + 3]!) - Math.max(a[4 * i + 1]!, b[4 * j + 1]!);
  if (ih <= 0) return 0;
  const inter = iw * ih;
  const areaA = Math.max(0, a[4 * i + 2]! - a[4 * i]!) * Math.max(0, a[4 * i + 3]! - a[4 * i + 1]!);
  const areaB = Math.max(0, b[4 * j + 2]! - b[4 * j]!) * Math.max(0, b[4 * j + 3]! - b[4 * j + 1]!);
  const union = areaA + areaB - inter;
  return union > 0 ? inter / union : 0;
}

/** Clips boxes in place to `[0, width] × [0, height]` (detectron2 `Boxes.clip`); returns the array. */
export function clipBoxesInPlace<T extends Float32Array | Float64Array>(boxes: T, height: number, width: number): T {
  const n = boxCount(boxes);
  for (let i = 0; i < n; i++) {
    boxes[4 * i] = Math.min(Math.max(boxes[4 * i]!, 0), width);
    boxes[4 * i + 1] = Math.min(Math.max(boxes[4 * i + 1]!, 0), height);
    boxes[4 * i + 2] = Math.min(Math.max(boxes[4 * i + 2]!, 0), width);
    boxes[4 * i + 3] = Math.min(Math.max(boxes[4 * i + 3]!, 0), height);
  }
  return boxes;
}

/** Indices of boxes whose width and height both exceed `minSize` (detectron2 `nonempty`). */
export function nonEmptyBoxes(boxes: ArrayLike<number>, minSize = 0): Int32Array {
  const n = boxCount(boxes);
  const keep = new Int32Array(n);
  let k = 0;
  for (let i = 0; i < n; i++) {
    if (boxes[4 * i + 2]! - boxes[4 * i]! > minSize && boxes[4 * i + 3]! - boxes[4 * i + 1]! > minSize) keep[k++] = i;
  }
  return keep.slice(0, k);
}

/** Gathers boxes `idx` from a flat array into a new `Float32Array`. */
export function selectBoxes(boxes: ArrayLike<number>, idx: ArrayLike<number>): Float32Array {
  const out = new Float32Array(idx.length * 4);
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k]!;
    out[4 * k] = boxes[4 * i]!;
    out[4 * k + 1] = boxes[4 * i + 1]!;
    out[4 * k + 2] = boxes[4 * i + 2]!;
    out[4 * k + 3] = boxes[4 * i + 3]!;
  }
  return out;
}

/** Gathers entries `idx` of a per-box array. */
export function selectValues<T extends Float32Array | Int32Array>(values: T, idx: ArrayLike<number>): T {
  const out = new (values.constructor as { new (n: number): T })(idx.length);
  for (let k = 0; k < idx.length; k++) out[k] = values[idx[k]!]!;
  return out;
}

/** Concatenates flat box arrays. */
export function concatBoxes(parts: ArrayLike<number>[]): Float32Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Float32Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export { xyxyToXywh } from '../coco/boxLayout.js';
