/**
 * Ground truth and detections between an image's frame and a graph's frame (`graphSpec.ts`):
 * boxes and polygons scale exactly; RLE / bitmap masks are resampled nearest-neighbour.
 */
import { decodeRowMajor, rleFromJson, type Rle } from '../../coco/mask/index.js';
import type { Polygon, RleJson } from '../../coco/types.js';
import { BalmsInputError } from '../../util/errors.js';
import type { BitmapMask, InstanceMask } from '../instanceMasks.js';
import type { InstancePredictions, InstanceTargets } from '../roiHeads.js';

/** Scales XYXY boxes in place by `(sx, sy)`. */
export function scaleBoxesInPlace(boxes: Float32Array, sx: number, sy: number): void {
  for (let j = 0; j < boxes.length; j += 4) {
    boxes[j] = boxes[j]! * sx;
    boxes[j + 1] = boxes[j + 1]! * sy;
    boxes[j + 2] = boxes[j + 2]! * sx;
    boxes[j + 3] = boxes[j + 3]! * sy;
  }
}

/** Targets of an `image` `[h, w]` in a `frame` `[fh, fw]`. */
export function targetsToFrame(t: InstanceTargets, image: readonly [number, number], frame: readonly [number, number], where: string): InstanceTargets {
  const [h, w] = image;
  if (h === frame[0] && w === frame[1]) return t;
  const sx = frame[1] / w, sy = frame[0] / h;
  const boxes = Float32Array.from(t.boxes);
  scaleBoxesInPlace(boxes, sx, sy);
  const masks = t.masks ?? t.polygons;
  return {
    boxes,
    classes: t.classes,
    ...(masks ? { masks: masks.map((m, j) => maskToFrame(m as InstanceMask, frame, sx, sy, `${where}.masks[${j}]`)) } : {}),
  };
}

/** Predictions in a `frame` brought back to an `image` `[h, w]` (boxes scaled; masks stay relative to their boxes). */
export function predictionsFromFrame(p: InstancePredictions, image: readonly [number, number], frame: readonly [number, number]): InstancePredictions {
  if (image[0] !== frame[0] || image[1] !== frame[1]) scaleBoxesInPlace(p.boxes, image[1] / frame[1], image[0] / frame[0]);
  return p;
}

function maskToFrame(m: InstanceMask, frame: readonly [number, number], sx: number, sy: number, where: string): InstanceMask {
  if (Array.isArray(m)) return (m as readonly Polygon[]).map((p) => p.map((v, k) => (k % 2 === 0 ? v * sx : v * sy)));
  let data: ArrayLike<number>, h: number, w: number;
  if ('data' in m) ({ data, height: h, width: w } = m as BitmapMask);
  else if ('size' in m) {
    const r = rleFromJson(m as RleJson);
    ({ h, w } = r);
    data = decodeRowMajor(r);
  } else if ('h' in m) {
    const r = m as Rle;
    ({ h, w } = r);
    data = decodeRowMajor(r);
  } else throw new BalmsInputError(`${where}: expected polygons, an RLE or a bitmap`);
  const [fh, fw] = frame;
  if (Math.abs(h * sy - fh) > 0.5 || Math.abs(w * sx - fw) > 0.5) throw new BalmsInputError(`${where}: mask is ${h}×${w}, the image ${Math.round(fh / sy)}×${Math.round(fw / sx)}`);
  const out = new Uint8Array(fh * fw);
  for (let y = 0; y < fh; y++) {
    const yy = Math.min(h - 1, Math.floor((y + 0.5) / sy));
    for (let x = 0; x < fw; x++) out[y * fw + x] = data[yy * w + Math.min(w - 1, Math.floor((x + 0.5) / sx))]! ? 1 : 0;
  }
  return { height: fh, width: fw, data: out };
}
