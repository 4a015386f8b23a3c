/**
 * Annotation geometry transforms, matching the image transforms pixel for pixel: coordinates are
 * continuous with pixel edges at integers (COCO/LVIS), so scaling an image by (sx, sy) maps a point
 * (x, y) to (x·sx, y·sy), and boxes are `[x1, y1, x2, y2]` rows in a Float32Array.
 */

export { xywhToXyxy } from '../coco/boxLayout.js';

/** Scales flat polygons by (sx, sy) (new arrays). */
export function scalePolygons(polygons: readonly (readonly number[])[], sx: number, sy: number): number[][] {
  return polygons.map((p) => {
    const q = new Array<number>(p.length);
    for (let i = 0; i < p.length; i += 2) {
      q[i] = p[i]! * sx;
      q[i + 1] = p[i + 1]! * sy;
    }
    return q;
  });
}

/** Scales `[x1, y1, x2, y2]` boxes by (sx, sy) (a new array). */
export function scaleBoxes(boxes: Float32Array, sx: number, sy: number): Float32Array {
  const out = new Float32Array(boxes.length);
  for (let i = 0; i < boxes.length; i += 4) {
    out[i] = boxes[i]! * sx;
    out[i + 1] = boxes[i + 1]! * sy;
    out[i + 2] = boxes[i + 2]! * sx;
    out[i + 3] = boxes[i + 3]! * sy;
  }
  return out;
}

/** The tight `[x1, y1, x2, y2]` box of an instance's polygons (all parts together). */
export function polygonsBox(polygons: readonly (readonly number[])[]): [number, number, number, number] {
  let x1 = Infinity, y1 = Infinity, x2 = -Infinity, y2 = -Infinity; // prettier-ignore
  for (const p of polygons) {
    for (let i = 0; i < p.length; i += 2) {
      if (p[i]! < x1) x1 = p[i]!;
      if (p[i]! > x2) x2 = p[i]!;
      if (p[i + 1]! < y1) y1 = p[i + 1]!;
      if (p[i + 1]! > y2) y2 = p[i + 1]!;
    }
  }
  return [x1, y1, x2, y2];
}

/** Clips `[x1, y1, x2, y2]` boxes to the image `[0, width] × [0, height]` in place. */
export function clipBoxes(boxes: Float32Array, height: number, width: number): Float32Array {
  for (let i = 0; i < boxes.length; i += 4) {
    boxes[i] = Math.min(Math.max(boxes[i]!, 0), width);
    boxes[i + 1] = Math.min(Math.max(boxes[i + 1]!, 0), height);
    boxes[i + 2] = Math.min(Math.max(boxes[i + 2]!, 0), width);
    boxes[i + 3] = Math.min(Math.max(boxes[i + 3]!, 0), height);
  }
  return boxes;
}
