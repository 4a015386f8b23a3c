/**
 * Checks of what a caller hands `RoIHeads` (feature maps, proposals, ground truth, image sizes):
 * each problem is a `BalmsInputError` that names the method, the argument and what was expected,
 * e.g. `RoIHeads.losses: proposals[1] has 10 numbers, expected 4 per box ([x1, y1, x2, y2])`.
 */
import * as tf from '@tensorflow/tfjs';
import { BalmsInputError } from '../util/errors.js';
import { checkInstanceMask, type InstanceMask } from './instanceMasks.js';

/** One feature map `[N, H, W, C]` and its stride in image pixels (a power of two). */
export interface FeatureLevelInput {
  features: tf.Tensor4D;
  stride: number;
}

function fail(method: string, problem: string): never {
  throw new BalmsInputError(`RoIHeads.${method}: ${problem}`);
}

/**
 * Feature levels: a non-empty list of NHWC float tensors with `inChannels` channels and one
 * batch size, strides consecutive powers of two (finest first). Returns the batch size N.
 */
export function checkFeatureLevels(method: string, features: readonly FeatureLevelInput[], inChannels: number): number {
  if (!Array.isArray(features) || features.length === 0) {
    fail(method, 'features must be a non-empty array of { features: tf.Tensor4D [N, H, W, C], stride } (finest level first)');
  }
  let n = -1;
  features.forEach((level, i) => {
    const t = level?.features;
    if (!(t instanceof tf.Tensor)) fail(method, `features[${i}].features is not a tf.Tensor (expected [N, H, W, ${inChannels}])`);
    if (t.rank !== 4) fail(method, `features[${i}].features has shape [${t.shape}], expected rank 4 [N, H, W, ${inChannels}] (NHWC)`);
    if (t.dtype !== 'float32') fail(method, `features[${i}].features is ${t.dtype}, expected float32`);
    if (t.shape[3] !== inChannels) {
      fail(method, `features[${i}].features has ${t.shape[3]} channels (shape [${t.shape}]), expected inChannels = ${inChannels} (NHWC)`);
    }
    if (i === 0) n = t.shape[0];
    else if (t.shape[0] !== n) fail(method, `features[${i}].features has batch size ${t.shape[0]}, features[0] has ${n}`);
    const s = level.stride;
    if (!(Number.isInteger(s) && s >= 1 && (s & (s - 1)) === 0)) fail(method, `features[${i}].stride = ${String(s)}, expected a power of two (4, 8, 16, …)`);
    if (i > 0 && s !== 2 * features[i - 1]!.stride) {
      fail(method, `feature strides must double from level to level (finest first), got ${features.map((f) => f.stride).join(', ')}`);
    }
  });
  return n;
}

/** Per-image boxes: `numImages` Float32Arrays of `[x1, y1, x2, y2]` with finite coordinates, x2 ≥ x1, y2 ≥ y1. */
export function checkBoxLists(method: string, name: string, lists: readonly Float32Array[], numImages: number): void {
  if (!Array.isArray(lists)) fail(method, `${name} must be an array with one Float32Array of [x1, y1, x2, y2] boxes per image`);
  if (lists.length !== numImages) fail(method, `${name} has ${lists.length} entries, expected one per image (${numImages}, the features' batch size)`);
  lists.forEach((b, i) => checkBoxes(method, `${name}[${i}]`, b));
}

function checkBoxes(method: string, name: string, b: unknown): void {
  if (!(b instanceof Float32Array)) fail(method, `${name} is not a Float32Array (expected [x1, y1, x2, y2, …] in image pixels)`);
  if (b.length % 4 !== 0) fail(method, `${name} has ${b.length} numbers, expected 4 per box ([x1, y1, x2, y2])`);
  for (let j = 0; j < b.length; j += 4) {
    const x1 = b[j]!, y1 = b[j + 1]!, x2 = b[j + 2]!, y2 = b[j + 3]!;
    if (!(Number.isFinite(x1) && Number.isFinite(y1) && Number.isFinite(x2) && Number.isFinite(y2))) {
      fail(method, `${name} box ${j / 4} = [${x1}, ${y1}, ${x2}, ${y2}] is not finite`);
    }
    if (x2 < x1 || y2 < y1) fail(method, `${name} box ${j / 4} = [${x1}, ${y1}, ${x2}, ${y2}], expected x2 ≥ x1 and y2 ≥ y1 (XYXY, not XYWH)`);
  }
}

/** What `checkTargets` needs of one image's ground truth. */
export interface TargetsInput {
  boxes: Float32Array;
  classes: Int32Array;
  polygons?: readonly (readonly number[][])[];
  masks?: readonly InstanceMask[];
}

/** Ground truth per image: boxes, classes in `[0, K)` and, when `needMasks`, one mask per instance. */
export function checkTargets(method: string, targets: readonly TargetsInput[], numImages: number, numClasses: number, needMasks: boolean): void {
  if (!Array.isArray(targets)) fail(method, 'targets must be an array of { boxes, classes, masks } per image');
  if (targets.length !== numImages) fail(method, `targets has ${targets.length} entries, expected one per image (${numImages})`);
  targets.forEach((t, i) => {
    checkBoxes(method, `targets[${i}].boxes`, t?.boxes);
    const g = t.boxes.length / 4;
    if (!(t.classes instanceof Int32Array)) fail(method, `targets[${i}].classes is not an Int32Array of class ids 0..${numClasses - 1}`);
    if (t.classes.length !== g) fail(method, `targets[${i}].classes has ${t.classes.length} entries for ${g} boxes`);
    for (let j = 0; j < g; j++) {
      const c = t.classes[j]!;
      if (c < 0 || c >= numClasses) fail(method, `targets[${i}].classes[${j}] = ${c}, expected a class id in [0, ${numClasses})`);
    }
    if (t.masks !== undefined && t.polygons !== undefined) fail(method, `targets[${i}] has both masks and polygons; give one`);
    const masks = t.masks ?? t.polygons;
    const key = t.masks !== undefined ? 'masks' : 'polygons';
    if (masks === undefined) {
      if (needMasks && g > 0) fail(method, `targets[${i}] has no masks but the mask head is on (give masks: polygons, RLE or bitmaps per instance)`);
      return;
    }
    if (!Array.isArray(masks) || masks.length !== g) {
      fail(method, `targets[${i}].${key} has ${Array.isArray(masks) ? masks.length : 'no'} entries, expected one per box (${g})`);
    }
    masks.forEach((m, j) => checkInstanceMask(m as InstanceMask, `RoIHeads.${method}: targets[${i}].${key}[${j}]`));
  });
}

/** `[h, w]` per image, positive. */
export function checkImageSizes(method: string, sizes: readonly (readonly [number, number])[], numImages: number): void {
  if (!Array.isArray(sizes) || sizes.length !== numImages) {
    fail(method, `imageSizes has ${Array.isArray(sizes) ? sizes.length : 'no'} entries, expected one [height, width] per image (${numImages})`);
  }
  sizes.forEach((s, i) => {
    if (!Array.isArray(s) || s.length !== 2 || !(s[0] > 0) || !(s[1] > 0)) fail(method, `imageSizes[${i}] = ${JSON.stringify(s)}, expected [height, width] > 0`);
  });
}
