/**
 * Mask-head training targets (detectron2 `rasterize_polygons_within_box`): each ground-truth
 * polygon is shifted into its RoI's frame, scaled to `M × M` (`M / max(side, 0.1)` per axis) and
 * rasterised exactly as pycocotools does (`frPoly`, union by `merge`, decoded row-major).
 */
import type { Polygon } from '../coco/types.js';
import { decodeRowMajor, frPoly, merge } from '../coco/mask/index.js';
import { BalmsInputError } from '../util/errors.js';

/**
 * The `M × M` row-major 0/1 target of one instance's polygons inside `box` (`[x1,y1,x2,y2]`),
 * written into `out` at `offset` as float32.
 */
export function rasterizePolygonsInBox(
  polygons: readonly Polygon[],
  box: ArrayLike<number>,
  maskSize: number,
  out: Float32Array = new Float32Array(maskSize * maskSize),
  offset = 0,
): Float32Array {
  const x0 = box[0]!, y0 = box[1]!;
  const w = box[2]! - x0;
  const h = box[3]! - y0;
  const rw = maskSize / Math.max(w, 0.1);
  const rh = maskSize / Math.max(h, 0.1);
  const rles = [];
  for (const poly of polygons) {
    if (poly.length < 6) continue; // pycocotools would reject it; detectron2 drops such polygons when loading
    const xy = new Float64Array(poly.length);
    for (let i = 0; i < poly.length; i += 2) {
      xy[i] = (poly[i]! - x0) * rw;
      xy[i + 1] = (poly[i + 1]! - y0) * rh;
    }
    rles.push(frPoly(xy, maskSize, maskSize));
  }
  const mm = maskSize * maskSize;
  if (rles.length === 0) {
    out.fill(0, offset, offset + mm);
    return out;
  }
  const bits = decodeRowMajor(rles.length === 1 ? rles[0]! : merge(rles, false));
  for (let i = 0; i < mm; i++) out[offset + i] = bits[i]!;
  return out;
}

/**
 * Targets `[R, M, M]` (flat) for foreground RoIs: RoI `r` (box `boxes[4r..]`) gets the polygons
 * of instance `instanceIndex[r]` from `instances`.
 */
export function maskTargetsForRois(
  instances: readonly (readonly Polygon[])[],
  boxes: Float32Array,
  instanceIndex: Int32Array,
  maskSize: number,
): Float32Array {
  const r = instanceIndex.length;
  const out = new Float32Array(r * maskSize * maskSize);
  for (let i = 0; i < r; i++) {
    const polys = instances[instanceIndex[i]!];
    if (!polys) throw new BalmsInputError(`maskTargetsForRois: RoI ${i} refers to missing instance ${instanceIndex[i]}`);
    rasterizePolygonsInBox(polys, boxes.subarray(4 * i, 4 * i + 4), maskSize, out, i * maskSize * maskSize);
  }
  return out;
}
