/**
 * The CIFAR training augmentation over a uint8 image set, straight into a normalised NHWC float
 * batch: random crop with zero padding (torchvision `RandomCrop(H, padding=p)`: pad every side by p
 * with 0, take an H×W window at a uniform offset in 0…2p on each axis), horizontal flip with
 * probability ½ (after the crop, as `RandomHorizontalFlip` follows `RandomCrop`), normalisation, then
 * Cutout (DeVries & Taylor 2017): a centre drawn uniformly over the pixels, the square
 * [cy − ⌊s/2⌋, cy + ⌊s/2⌋) × [cx − ⌊s/2⌋, cx + ⌊s/2⌋) clipped at the border set to 0 after normalisation.
 * With `autoAugment`, AutoAugment's CIFAR-10 policy runs on the uint8 image after the flip (as in the
 * BALMS code). Random draws per image, in this order: crop dy, dx (when padCrop > 0), flip (when on),
 * AutoAugment's (when on), cutout cy, cx (when cutout > 0). No allocation per pixel: one 256-entry
 * lookup table per channel and one image-sized scratch buffer per batch.
 */
import { BalmsInputError } from '../../util/errors.js';
import type { Rng } from '../../util/rng.js';
import { autoAugmentImage } from './autoAugment.js';
import type { ImageClassificationSet } from './imageSet.js';

/** Per-channel mean and std on the 0–255 scale (as `PixelStats` of detection), one entry per channel. */
export interface ChannelStats {
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

export interface AugmentOptions extends ChannelStats {
  /** Zero padding of the random crop (4 for CIFAR); 0 = no crop. */
  readonly padCrop: number;
  /** Horizontal flip with probability ½. */
  readonly flip: boolean;
  /** Side of the Cutout square (16 for CIFAR-10 in DeVries & Taylor); 0 = off. */
  readonly cutout: number;
  /** AutoAugment's CIFAR-10 policy after the crop and flip (RGB only; see autoAugment.ts). Default off. */
  readonly autoAugment?: boolean;
}

/** CIFAR-10's usual normalisation (0.4914, 0.4822, 0.4465) / (0.2023, 0.1994, 0.2010), as in the BALMS code, on the 0–255 scale. */
export const CIFAR10_CHANNEL_STATS: ChannelStats = {
  mean: [0.4914 * 255, 0.4822 * 255, 0.4465 * 255],
  std: [0.2023 * 255, 0.1994 * 255, 0.201 * 255],
};

/** Writes the augmented, normalised images `indices` of `set` into `out` (NHWC; its first N·H·W·C values). */
export function augmentBatch(set: ImageClassificationSet, indices: Int32Array, out: Float32Array, rng: Rng, opts: AugmentOptions): void {
  for (const [k, v] of [['padCrop', opts.padCrop], ['cutout', opts.cutout]] as const) {
    if (!(Number.isInteger(v) && v >= 0)) throw new BalmsInputError(`augmentBatch: ${k} must be a non-negative integer, got ${v}`);
  }
  writeBatch(set, indices, out, opts, rng, opts);
}

/** Writes the normalised images `indices` of `set` into `out` (NHWC), unaugmented: the test-time transform. */
export function normalizeBatch(set: ImageClassificationSet, indices: Int32Array, out: Float32Array, stats: ChannelStats): void {
  writeBatch(set, indices, out, stats, undefined, { padCrop: 0, flip: false, cutout: 0 });
}

function writeBatch(
  set: ImageClassificationSet,
  indices: Int32Array,
  out: Float32Array,
  stats: ChannelStats,
  rng: Rng | undefined,
  aug: { padCrop: number; flip: boolean; cutout: number; autoAugment?: boolean },
): void {
  const { height: H, width: W, channels: C, pixels } = set;
  const size = H * W * C;
  const n = set.labels.length;
  if (out.length < indices.length * size) throw new BalmsInputError(`batch buffer holds ${out.length} values; ${indices.length} images need ${indices.length * size}`);
  const lut = channelLut(stats, C);
  if (aug.autoAugment && C !== 3) throw new BalmsInputError(`AutoAugment needs RGB images; these have ${C} channel(s)`);
  const p = aug.padCrop;
  const half = aug.cutout >> 1;
  const img = new Uint8Array(size); // one image after crop and flip (and AutoAugment)
  const tmp = aug.autoAugment ? new Uint8Array(size) : img;
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k]!;
    if (!(i >= 0 && i < n)) throw new BalmsInputError(`image index ${i} is outside 0…${n - 1}`);
    const dy = p > 0 ? rng!.int(2 * p + 1) - p : 0;
    const dx = p > 0 ? rng!.int(2 * p + 1) - p : 0;
    const flip = aug.flip && rng!.next() < 0.5;
    const src = i * size;
    for (let y = 0; y < H; y++) {
      const sy = y + dy;
      const rowInside = sy >= 0 && sy < H;
      for (let x = 0; x < W; x++) {
        const sx = (flip ? W - 1 - x : x) + dx;
        const o = (y * W + x) * C;
        if (rowInside && sx >= 0 && sx < W) {
          const s = src + (sy * W + sx) * C;
          for (let c = 0; c < C; c++) img[o + c] = pixels[s + c]!;
        } else {
          for (let c = 0; c < C; c++) img[o + c] = 0;
        }
      }
    }
    if (aug.autoAugment) autoAugmentImage(img, tmp, H, W, rng!);
    const dst = k * size;
    for (let j = 0; j < size; j += C) for (let c = 0; c < C; c++) out[dst + j + c] = lut[(c << 8) | img[j + c]!]!;
    if (aug.cutout > 0) {
      const cy = rng!.int(H);
      const cx = rng!.int(W);
      const y1 = Math.max(0, cy - half), y2 = Math.min(H, cy + half); // prettier-ignore
      const x1 = Math.max(0, cx - half), x2 = Math.min(W, cx + half); // prettier-ignore
      for (let y = y1; y < y2; y++) out.fill(0, dst + (y * W + x1) * C, dst + (y * W + x2) * C);
    }
  }
}

/** `(v − mean[c]) / std[c]` for every byte value v of every channel: entry `c·256 + v`. */
function channelLut(stats: ChannelStats, channels: number): Float32Array {
  if (stats.mean.length !== channels || stats.std.length !== channels) {
    throw new BalmsInputError(`mean and std need ${channels} values (one per channel), got ${stats.mean.length} and ${stats.std.length}`);
  }
  const lut = new Float32Array(channels * 256);
  for (let c = 0; c < channels; c++) {
    const m = stats.mean[c]!;
    const s = stats.std[c]!;
    if (!(s > 0) || !Number.isFinite(m)) throw new BalmsInputError(`std must be positive and mean finite, got mean ${m}, std ${s} for channel ${c}`);
    for (let v = 0; v < 256; v++) lut[(c << 8) | v] = (v - m) / s;
  }
  return lut;
}
