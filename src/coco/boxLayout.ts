/**
 * The two box layouts and the one place they convert. balms works in XYXY: `[x1, y1, x2, y2]`
 * rows in image pixels with pixel edges at integers (`XyxyBoxes`, N×4 in a Float32Array); COCO /
 * LVIS files store XYWH: `bbox: [x, y, w, h]` (`XywhBox`).
 */

/** N boxes as `[x1, y1, x2, y2]` rows (N×4 values). */
export type XyxyBoxes = Float32Array;
/** One COCO/LVIS `bbox`: `[x, y, w, h]`. */
export type XywhBox = readonly number[];

/** `[x, y, w, h]` → `[x1, y1, x2, y2]`. */
export function xywhToXyxy(b: XywhBox): [number, number, number, number] {
  return [b[0]!, b[1]!, b[0]! + b[2]!, b[1]! + b[3]!];
}

/** Writes `[x, y, w, h]` as row `i` of XYXY boxes. */
export function setXyxyFromXywh(boxes: XyxyBoxes, i: number, b: XywhBox): void {
  boxes[4 * i] = b[0]!;
  boxes[4 * i + 1] = b[1]!;
  boxes[4 * i + 2] = b[0]! + b[2]!;
  boxes[4 * i + 3] = b[1]! + b[3]!;
}

/** Row `i` of XYXY boxes as `[x, y, w, h]` (a COCO/LVIS `bbox`). */
export function xyxyToXywh(boxes: ArrayLike<number>, i: number): [number, number, number, number] {
  const x1 = boxes[4 * i]!, y1 = boxes[4 * i + 1]!;
  return [x1, y1, boxes[4 * i + 2]! - x1, boxes[4 * i + 3]! - y1];
}
