/**
 * Exact greedy non-maximum suppression over typed arrays (torchvision `nms` semantics: a box is
 * suppressed by a kept, higher-scoring box when their IoU is strictly greater than the
 * threshold). Ties in score are broken by the lower index first, so the result is deterministic.
 */
import { boxCount, boxIou } from './boxes.js';
import { BalmsInputError } from '../util/errors.js';

/** Indices of `scores` sorted by descending score, ties by ascending index. */
export function argsortDescending(scores: ArrayLike<number>, idx?: Int32Array): Int32Array {
  const order = idx ? Int32Array.from(idx) : Int32Array.from({ length: scores.length }, (_, i) => i);
  order.sort((a, b) => scores[b]! - scores[a]! || a - b);
  return order;
}

/**
 * Greedy NMS. Returns kept indices into `boxes`, in descending score order. `candidates`
 * optionally restricts the input to a subset of indices; `maxOutput` stops early.
 */
export function nms(
  boxes: ArrayLike<number>,
  scores: ArrayLike<number>,
  iouThreshold: number,
  maxOutput = Infinity,
  candidates?: Int32Array,
): Int32Array {
  const n = boxCount(boxes);
  if (scores.length !== n) throw new BalmsInputError(`nms: ${n} boxes but ${scores.length} scores`);
  const order = argsortDescending(scores, candidates);
  const m = order.length;
  const suppressed = new Uint8Array(m);
  const keep: number[] = [];
  for (let a = 0; a < m && keep.length < maxOutput; a++) {
    if (suppressed[a]) continue;
    const i = order[a]!;
    keep.push(i);
    for (let b = a + 1; b < m; b++) {
      if (!suppressed[b] && boxIou(boxes, i, boxes, order[b]!) > iouThreshold) suppressed[b] = 1;
    }
  }
  return Int32Array.from(keep);
}

/**
 * Per-group NMS (detectron2 `batched_nms`): boxes only suppress boxes of the same group
 * (class, or image level). Returns kept indices sorted by descending score (ties by index).
 */
export function batchedNms(
  boxes: ArrayLike<number>,
  scores: ArrayLike<number>,
  groups: ArrayLike<number>,
  iouThreshold: number,
): Int32Array {
  const n = boxCount(boxes);
  if (scores.length !== n || groups.length !== n) throw new BalmsInputError('batchedNms: boxes, scores and groups differ in length');
  const byGroup = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const g = groups[i]!;
    let list = byGroup.get(g);
    if (!list) byGroup.set(g, (list = []));
    list.push(i);
  }
  const kept: number[] = [];
  for (const list of byGroup.values()) {
    const keep = nms(boxes, scores, iouThreshold, Infinity, Int32Array.from(list));
    for (let k = 0; k < keep.length; k++) kept.push(keep[k]!);
  }
  return argsortDescending(scores, Int32Array.from(kept));
}
