import type { Rng } from '../util/rng.js';
import { flipBoxesHorizontal, flipImageHorizontal, flipPolygonsHorizontal } from './flip.js';
import type { RgbImage } from './image.js';
import { scaleBoxes, scalePolygons } from './instanceTransforms.js';
import { normalizeImage, type PixelStats, IMAGENET_PIXEL_STATS } from './normalize.js';
import { resizeBilinear, shortestEdgeSize } from './resize.js';
import { BalmsInputError } from '../util/errors.js';

/** How training (or test) images are transformed. */
export interface ExampleTransform {
  /**
   * Target short side in pixels; a list means one is drawn per example (multi-scale training).
   * 0 keeps the original size.
   */
  shortSide: number | readonly number[];
  /** Upper bound on the long side after resizing (0 = none). */
  maxSize: number;
  /** Probability of a horizontal flip (0 for evaluation). */
  flipProbability: number;
  /** Normalisation; `null` leaves 0–255 values. */
  pixelStats: PixelStats | null;
}

/** Training defaults: original size, flip half the time, ImageNet normalisation. */
export const DEFAULT_TRAIN_TRANSFORM: ExampleTransform = { shortSide: 0, maxSize: 0, flipProbability: 0.5, pixelStats: IMAGENET_PIXEL_STATS };
/** Evaluation defaults: like training without the flip. */
export const DEFAULT_TEST_TRANSFORM: ExampleTransform = { ...DEFAULT_TRAIN_TRANSFORM, flipProbability: 0 };

/** The concrete, already-drawn transform of one example (plain data: can be sent to a worker). */
export interface AugmentationPlan {
  origHeight: number;
  origWidth: number;
  height: number;
  width: number;
  /** The nominal scale of the shortest-edge rule. */
  scale: number;
  /** The actual per-axis factors, `width/origWidth` and `height/origHeight` (differ from `scale` by rounding). */
  scaleX: number;
  scaleY: number;
  flipped: boolean;
  pixelStats: PixelStats | null;
}

/**
 * Draws an example's random choices (short side, flip) from `rng`, always consuming the same
 * number of draws so the stream stays aligned whatever the options.
 */
export function planAugmentation(origHeight: number, origWidth: number, t: ExampleTransform, rng: Rng): AugmentationPlan {
  const sides = typeof t.shortSide === 'number' ? [t.shortSide] : t.shortSide;
  if (sides.length === 0) throw new BalmsInputError('shortSide list is empty');
  const side = sides[rng.int(sides.length)]!;
  const flipped = rng.next() < t.flipProbability;
  let height = origHeight;
  let width = origWidth;
  let scale = 1;
  if (side > 0) ({ height, width, scale } = shortestEdgeSize(origHeight, origWidth, side, t.maxSize));
  else if (t.maxSize > 0 && Math.max(origHeight, origWidth) > t.maxSize) ({ height, width, scale } = shortestEdgeSize(origHeight, origWidth, Math.min(origHeight, origWidth), t.maxSize));
  return { origHeight, origWidth, height, width, scale, scaleX: width / origWidth, scaleY: height / origHeight, flipped, pixelStats: t.pixelStats };
}

/** Resize → flip → normalise an RGB image per the plan; Float32 HWC. */
export function transformImage(img: RgbImage, plan: AugmentationPlan): Float32Array {
  if (img.height !== plan.origHeight || img.width !== plan.origWidth) throw new BalmsInputError(`image is ${img.width}×${img.height}, plan expects ${plan.origWidth}×${plan.origHeight}`);
  let data: Float32Array = resizeBilinear(img.data, img.height, img.width, 3, plan.height, plan.width);
  if (plan.flipped) data = flipImageHorizontal(data, plan.height, plan.width, 3);
  if (plan.pixelStats) normalizeImage(data, plan.pixelStats, data);
  return data;
}

/** Instances in original image coordinates: boxes `[x1,y1,x2,y2]`, contiguous classes, polygons. */
export interface Instances {
  boxes: Float32Array;
  classes: Int32Array;
  polygons: number[][][];
  annotationIds: Int32Array;
}

/**
 * Applies the plan's scale and flip to instances, then drops those whose box became empty
 * (side ≤ 1e-5 px, detectron2's rule) so boxes, classes and polygons stay aligned.
 */
export function transformInstances(inst: Instances, plan: AugmentationPlan): Instances {
  let boxes = scaleBoxes(inst.boxes, plan.scaleX, plan.scaleY);
  let polygons = inst.polygons.map((parts) => scalePolygons(parts, plan.scaleX, plan.scaleY));
  if (plan.flipped) {
    boxes = flipBoxesHorizontal(boxes, plan.width);
    polygons = polygons.map((parts) => flipPolygonsHorizontal(parts, plan.width));
  }
  const keep: number[] = [];
  for (let i = 0; i < inst.classes.length; i++) {
    if (boxes[4 * i + 2]! - boxes[4 * i]! > 1e-5 && boxes[4 * i + 3]! - boxes[4 * i + 1]! > 1e-5) keep.push(i);
  }
  if (keep.length === inst.classes.length) return { boxes, classes: inst.classes.slice(), polygons, annotationIds: inst.annotationIds.slice() };
  const kept = new Float32Array(keep.length * 4);
  keep.forEach((i, k) => kept.set(boxes.subarray(4 * i, 4 * i + 4), 4 * k));
  return {
    boxes: kept,
    classes: Int32Array.from(keep, (i) => inst.classes[i]!),
    polygons: keep.map((i) => polygons[i]!),
    annotationIds: Int32Array.from(keep, (i) => inst.annotationIds[i]!),
  };
}
