/**
 * Ground-truth instance masks in the three forms a detection pipeline has them — polygons (LVIS,
 * COCO), RLE (COCO crowd, pycocotools output) and bitmaps (a segmentation tool, a PNG) — and the
 * mask-head targets made from them. Polygons go through detectron2's
 * `rasterize_polygons_within_box` (`maskTargets.ts`); RLEs and bitmaps through detectron2's
 * `BitMasks.crop_and_resize`: RoIAlign of the full-image 0/1 mask over the box (aligned, one
 * sample per output pixel per input pixel, i.e. sampling ratio ⌈side / M⌉) thresholded at 0.5.
 */
import { decodeRowMajor, rleFromJson, type Rle } from '../coco/mask/index.js';
import type { Polygon, RleJson } from '../coco/types.js';
import { BalmsInputError } from '../util/errors.js';
import { rasterizePolygonsInBox } from './maskTargets.js';

/** A binary mask over the whole image, row-major (`data[y * width + x]`, nonzero = inside). */
export interface BitmapMask {
  height: number;
  width: number;
  data: Uint8Array | Uint8ClampedArray;
}

/** One instance's mask: its polygons, an RLE (JSON `{size, counts}` or decoded `{h, w, counts}`) or a bitmap. */
export type InstanceMask = readonly Polygon[] | RleJson | Rle | BitmapMask;

function isBitmap(m: InstanceMask): m is BitmapMask {
  return !Array.isArray(m) && 'data' in m;
}

function isRleJson(m: InstanceMask): m is RleJson {
  return !Array.isArray(m) && 'size' in m && 'counts' in m;
}

function isRle(m: InstanceMask): m is Rle {
  return !Array.isArray(m) && 'h' in m && 'w' in m && (m as Rle).counts instanceof Uint32Array;
}

/** Throws a `BalmsInputError` (prefixed by `where`) unless `m` is one of the three forms. */
export function checkInstanceMask(m: InstanceMask, where: string): void {
  const bad = (problem: string): never => {
    throw new BalmsInputError(`${where}: ${problem}`);
  };
  if (Array.isArray(m)) {
    m.forEach((p, k) => {
      if (!Array.isArray(p) || p.length % 2 !== 0) bad(`polygon ${k} must be a flat [x0, y0, x1, y1, …] array`);
    });
    return;
  }
  if (m === null || typeof m !== 'object') bad('expected polygons (number[][]), an RLE ({size, counts}) or a bitmap ({height, width, data})');
  if (isBitmap(m)) {
    if (!(m.data instanceof Uint8Array || m.data instanceof Uint8ClampedArray)) bad('bitmap data must be a Uint8Array (row-major, nonzero = inside)');
    if (!(Number.isInteger(m.height) && Number.isInteger(m.width) && m.height > 0 && m.width > 0)) bad(`bitmap size ${m.height}×${m.width} is not positive`);
    if (m.data.length !== m.height * m.width) bad(`bitmap data has ${m.data.length} bytes, expected height·width = ${m.height * m.width}`);
    return;
  }
  if (isRleJson(m) || isRle(m)) return;
  bad('expected polygons (number[][]), an RLE ({size, counts}) or a bitmap ({height, width, data})');
}

/** The row-major 0/1 bitmap of an RLE or bitmap mask. */
function bitmapOf(m: RleJson | Rle | BitmapMask): { data: ArrayLike<number>; h: number; w: number } {
  if (isBitmap(m)) return { data: m.data, h: m.height, w: m.width };
  const rle = isRle(m) ? m : rleFromJson(m);
  return { data: decodeRowMajor(rle), h: rle.h, w: rle.w };
}

/** detectron2 / torchvision RoIAlign bilinear sample of a single-channel map (0 outside [-1, size]). */
function bilinear(data: ArrayLike<number>, h: number, w: number, y: number, x: number): number {
  if (y < -1 || y > h || x < -1 || x > w) return 0;
  if (y <= 0) y = 0;
  if (x <= 0) x = 0;
  let y0 = Math.floor(y), x0 = Math.floor(x), y1: number, x1: number;
  if (y0 >= h - 1) {
    y1 = y0 = h - 1;
    y = y0;
  } else y1 = y0 + 1;
  if (x0 >= w - 1) {
    x1 = x0 = w - 1;
    x = x0;
  } else x1 = x0 + 1;
  const ly = y - y0, lx = x - x0, hy = 1 - ly, hx = 1 - lx;
  return hy * hx * data[y0 * w + x0]! + hy * lx * data[y0 * w + x1]! + ly * hx * data[y1 * w + x0]! + ly * lx * data[y1 * w + x1]!;
}

/**
 * The `M × M` 0/1 target of a full-image bitmap inside `box` (`[x1, y1, x2, y2]`), written into
 * `out` at `offset`: detectron2's `BitMasks.crop_and_resize` (RoIAlign aligned, sampling ratio 0,
 * then ≥ 0.5).
 */
export function cropAndResizeBitmap(
  data: ArrayLike<number>,
  h: number,
  w: number,
  box: ArrayLike<number>,
  maskSize: number,
  out: Float32Array = new Float32Array(maskSize * maskSize),
  offset = 0,
): Float32Array {
  const x0 = box[0]! - 0.5, y0 = box[1]! - 0.5;
  const rw = box[2]! - box[0]!, rh = box[3]! - box[1]!;
  const binW = rw / maskSize, binH = rh / maskSize;
  const gridW = Math.ceil(rw / maskSize), gridH = Math.ceil(rh / maskSize);
  const count = Math.max(gridW * gridH, 1);
  for (let py = 0; py < maskSize; py++) {
    for (let px = 0; px < maskSize; px++) {
      let sum = 0;
      for (let iy = 0; iy < gridH; iy++) {
        const y = y0 + py * binH + ((iy + 0.5) * binH) / gridH;
        for (let ix = 0; ix < gridW; ix++) sum += bilinear(data, h, w, y, x0 + px * binW + ((ix + 0.5) * binW) / gridW);
      }
      out[offset + py * maskSize + px] = sum / count >= 0.5 ? 1 : 0;
    }
  }
  return out;
}

/**
 * Targets `[R, M, M]` (flat) for foreground RoIs: RoI `r` (box `boxes[4r..]`) gets the mask of
 * instance `instanceIndex[r]`, whatever its form. An RLE is decoded once per call.
 */
export function maskTargetsForInstances(
  instances: readonly InstanceMask[],
  boxes: Float32Array,
  instanceIndex: Int32Array,
  maskSize: number,
): Float32Array {
  const r = instanceIndex.length;
  const mm = maskSize * maskSize;
  const out = new Float32Array(r * mm);
  const decoded = new Map<number, { data: ArrayLike<number>; h: number; w: number }>();
  for (let i = 0; i < r; i++) {
    const g = instanceIndex[i]!;
    const m = instances[g];
    if (m === undefined) throw new BalmsInputError(`mask targets: RoI ${i} refers to instance ${g}, which has no mask`);
    const box = boxes.subarray(4 * i, 4 * i + 4);
    if (Array.isArray(m)) {
      rasterizePolygonsInBox(m as readonly Polygon[], box, maskSize, out, i * mm);
      continue;
    }
    let bm = decoded.get(g);
    if (!bm) decoded.set(g, (bm = bitmapOf(m as RleJson | Rle | BitmapMask)));
    cropAndResizeBitmap(bm.data, bm.h, bm.w, box, maskSize, out, i * mm);
  }
  return out;
}
