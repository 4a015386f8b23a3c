/** Per-channel pixel mean and standard deviation (RGB, 0–255 scale). */
import { BalmsInputError } from '../util/errors.js';
export interface PixelStats {
  mean: readonly [number, number, number];
  std: readonly [number, number, number];
}

/** The ImageNet statistics in RGB order (detectron2's `PIXEL_MEAN`/`PIXEL_STD` for torchvision models). */
export const IMAGENET_PIXEL_STATS: PixelStats = { mean: [123.675, 116.28, 103.53], std: [58.395, 57.12, 57.375] };

/**
 * `(x − mean[c]) / std[c]` for each RGB pixel of an HWC image, into `out` (may be `src` itself
 * when it is a Float32Array) or a new Float32Array.
 */
export function normalizeImage(src: Uint8Array | Float32Array, stats: PixelStats, out?: Float32Array): Float32Array {
  if (src.length % 3 !== 0) throw new BalmsInputError('normalizeImage: expected RGB (length divisible by 3)');
  const dst = out ?? new Float32Array(src.length);
  const [m0, m1, m2] = stats.mean;
  const [s0, s1, s2] = stats.std;
  if (!(s0 > 0 && s1 > 0 && s2 > 0)) throw new BalmsInputError('normalizeImage: std must be positive');
  const i0 = 1 / s0, i1 = 1 / s1, i2 = 1 / s2; // prettier-ignore
  for (let i = 0; i < src.length; i += 3) {
    dst[i] = (src[i]! - m0) * i0;
    dst[i + 1] = (src[i + 1]! - m1) * i1;
    dst[i + 2] = (src[i + 2]! - m2) * i2;
  }
  return dst;
}

/** Inverse of `normalizeImage`: back to 0–255 values (not clamped or rounded). */
export function denormalizeImage(src: Float32Array, stats: PixelStats, out?: Float32Array): Float32Array {
  const dst = out ?? new Float32Array(src.length);
  for (let i = 0; i < src.length; i += 3) {
    for (let c = 0; c < 3; c++) dst[i + c] = src[i + c]! * stats.std[c]! + stats.mean[c]!;
  }
  return dst;
}
