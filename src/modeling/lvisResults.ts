/**
 * Turns detections into LVIS/COCO results records `{image_id, category_id, score, bbox,
 * segmentation}`: boxes as `[x, y, w, h]`, masks pasted into the image (bilinear, ≥ threshold,
 * detectron2 `paste_masks_in_image`) and stored as compressed RLE.
 */
import type { DetectionResult } from '../coco/types.js';
import { rleToJson } from '../coco/mask/index.js';
import { xyxyToXywh } from './boxes.js';
import { pasteMaskRle } from './pasteMasks.js';
import type { InstancePredictions } from './roiHeads.js';
import { BalmsInputError } from '../util/errors.js';

export interface ResultsOptions {
  /** Image id of the records. */
  imageId: number;
  /** `[height, width]` of the image the boxes refer to. */
  imageSize: readonly [number, number];
  /** Maps contiguous class `c` to its dataset category id (default `c + 1`). */
  categoryIds?: readonly number[];
  /** Mask binarisation threshold (0.5). */
  maskThreshold?: number;
  /** Scale from the network's input frame back to the original image (e.g. after resizing): boxes are divided by it. */
  scale?: number;
}

/** Results records of one image, in descending score order. */
export function toLvisResults(pred: InstancePredictions, opts: ResultsOptions): DetectionResult[] {
  const [h, w] = opts.imageSize;
  const n = pred.scores.length;
  const s = opts.scale ?? 1;
  const thr = opts.maskThreshold ?? 0.5;
  const mm = pred.maskSize * pred.maskSize;
  const out: DetectionResult[] = [];
  const box = new Float32Array(4);
  for (let i = 0; i < n; i++) {
    const c = pred.classes[i]!;
    const categoryId = opts.categoryIds ? opts.categoryIds[c] : c + 1;
    if (categoryId === undefined) throw new BalmsInputError(`toLvisResults: no category id for class ${c}`);
    for (let j = 0; j < 4; j++) box[j] = pred.boxes[4 * i + j]! / s;
    const [x, y, bw, bh] = xyxyToXywh(box, 0);
    const rec: DetectionResult = {
      image_id: opts.imageId,
      category_id: categoryId,
      score: pred.scores[i]!,
      bbox: [x, y, bw, bh],
    };
    if (pred.masks) {
      rec.segmentation = rleToJson(pasteMaskRle(pred.masks.subarray(i * mm, (i + 1) * mm), pred.maskSize, box, h, w, thr));
    }
    out.push(rec);
  }
  return out;
}

