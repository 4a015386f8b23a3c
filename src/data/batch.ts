import type { TrainingExample } from './detectionDataset.js';
import { BalmsInputError } from '../util/errors.js';

/** A batch of images padded to one size, NHWC, ready for `tf.tensor4d(data, [n, height, width, 3])`. */
export interface PaddedImages {
  data: Float32Array;
  n: number;
  height: number;
  width: number;
  /** The unpadded `[height, width]` of each image. */
  sizes: Array<[number, number]>;
}

/**
 * Copies a batch's images into one zero-padded NHWC buffer (bottom and right padding, so
 * instance coordinates are unchanged), its height and width rounded up to a multiple of
 * `sizeDivisibility` (e.g. the backbone's largest stride). Zero is the mean pixel after normalisation.
 */
export function padImages(examples: readonly Pick<TrainingExample, 'image' | 'height' | 'width'>[], sizeDivisibility = 1): PaddedImages {
  if (examples.length === 0) throw new BalmsInputError('padImages: empty batch');
  if (!Number.isInteger(sizeDivisibility) || sizeDivisibility < 1) throw new BalmsInputError(`sizeDivisibility must be a positive integer, got ${sizeDivisibility}`);
  const up = (v: number) => Math.ceil(v / sizeDivisibility) * sizeDivisibility;
  const height = up(Math.max(...examples.map((e) => e.height)));
  const width = up(Math.max(...examples.map((e) => e.width)));
  const data = new Float32Array(examples.length * height * width * 3);
  examples.forEach((e, i) => {
    if (e.image.length !== e.height * e.width * 3) throw new BalmsInputError(`padImages: example ${i} has ${e.image.length} values for ${e.height}×${e.width}×3`);
    const base = i * height * width * 3;
    const row = e.width * 3;
    for (let y = 0; y < e.height; y++) data.set(e.image.subarray(y * row, (y + 1) * row), base + y * width * 3);
  });
  return { data, n: examples.length, height, width, sizes: examples.map((e) => [e.height, e.width]) };
}
