/**
 * PLACEHOLDER (cls-engine helper) for the data helper's `src/data/classification/`: the agreed
 * interface with just enough behind it for the engine's tests (in-memory sets). The readers are the
 * data helper's: `loadClassificationSplit` here only says so. The lead replaces this folder.
 */
import { BalmsInputError } from '../../util/errors.js';
import type { Rng } from '../../util/rng.js';

export interface ImageClassificationSet {
  classNames: string[];
  height: number;
  width: number;
  channels: 1 | 3;
  /** N×H×W×C bytes. */
  pixels: Uint8Array;
  labels: Int32Array;
  sources: string[];
}

export function loadClassificationSplit(root: string, split: 'train' | 'test', _opts: { cacheDir?: string; log?: (line: string) => void } = {}): Promise<ImageClassificationSet> {
  return Promise.reject(new BalmsInputError(`no classification reader in this build (placeholder): cannot read the ${split} split`, { file: root }));
}

export function classCounts(labels: ArrayLike<number>, numClasses: number): Int32Array {
  const out = new Int32Array(numClasses);
  for (let i = 0; i < labels.length; i++) out[labels[i]!]!++;
  return out;
}

export function longTailedCounts(numClasses: number, nMax: number, imbalanceFactor: number): Int32Array {
  return Int32Array.from({ length: numClasses }, (_, i) => Math.floor(nMax * Math.pow(imbalanceFactor, -i / Math.max(1, numClasses - 1))));
}

export function subsetOf(set: ImageClassificationSet, indices: ArrayLike<number>): ImageClassificationSet {
  const size = set.height * set.width * set.channels;
  const pixels = new Uint8Array(indices.length * size);
  const labels = new Int32Array(indices.length);
  const sources: string[] = [];
  for (let i = 0; i < indices.length; i++) {
    const j = indices[i]!;
    pixels.set(set.pixels.subarray(j * size, (j + 1) * size), i * size);
    labels[i] = set.labels[j]!;
    sources.push(set.sources[j]!);
  }
  return { ...set, pixels, labels, sources };
}

/** The first n_i images of class i (n from `longTailedCounts`); `seed` unused by this placeholder. */
export function longTailedSubset(set: ImageClassificationSet, opts: { imbalanceFactor: number; seed: number; nMax?: number }): Int32Array {
  const C = set.classNames.length;
  const have = classCounts(set.labels, C);
  const want = longTailedCounts(C, opts.nMax || Math.min(...have), opts.imbalanceFactor);
  const taken = new Int32Array(C);
  const out: number[] = [];
  for (let i = 0; i < set.labels.length; i++) {
    const c = set.labels[i]!;
    if (taken[c]! < want[c]!) {
      taken[c]!++;
      out.push(i);
    }
  }
  return Int32Array.from(out);
}

/** The last `perClass` images of each class go to val; `seed` unused by this placeholder. */
export function carveValidation(set: ImageClassificationSet, opts: { perClass: number; seed: number }): { train: Int32Array; val: Int32Array } {
  const C = set.classNames.length;
  const left = classCounts(set.labels, C);
  const train: number[] = [], val: number[] = [];
  const seen = new Int32Array(C);
  for (let i = 0; i < set.labels.length; i++) {
    const c = set.labels[i]!;
    seen[c]!++;
    (seen[c]! > left[c]! - opts.perClass ? val : train).push(i);
  }
  return { train: Int32Array.from(train), val: Int32Array.from(val) };
}

export interface AugmentOptions {
  padCrop: number;
  flip: boolean;
  cutout: number;
  autoAugment?: boolean;
  mean: readonly number[];
  std: readonly number[];
}

/** Normalised NHWC floats of `indices` into `out` (no augmentation). */
export function normalizeBatch(set: ImageClassificationSet, indices: ArrayLike<number>, out: Float32Array, opts: { mean: readonly number[]; std: readonly number[] }): void {
  const size = set.height * set.width * set.channels, C = set.channels;
  for (let b = 0; b < indices.length; b++) {
    const src = indices[b]! * size;
    for (let p = 0; p < size; p++) out[b * size + p] = (set.pixels[src + p]! - opts.mean[p % C]!) / opts.std[p % C]!;
  }
}

/** Pad-crop, flip and cutout of `indices` into `out`, normalised (draws from `rng` in a fixed order). */
export function augmentBatch(set: ImageClassificationSet, indices: ArrayLike<number>, out: Float32Array, rng: Rng, opts: AugmentOptions): void {
  if (opts.autoAugment) throw new BalmsInputError('AutoAugment needs the data helper\'s module (placeholder)');
  const H = set.height, W = set.width, C = set.channels, size = H * W * C;
  for (let b = 0; b < indices.length; b++) {
    const src = indices[b]! * size, dst = b * size;
    const dy = opts.padCrop > 0 ? rng.int(2 * opts.padCrop + 1) - opts.padCrop : 0;
    const dx = opts.padCrop > 0 ? rng.int(2 * opts.padCrop + 1) - opts.padCrop : 0;
    const flip = opts.flip && rng.next() < 0.5;
    const cy = opts.cutout > 0 ? rng.int(H) : -1e9, cx = opts.cutout > 0 ? rng.int(W) : -1e9, half = opts.cutout / 2;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const sy = y + dy, sx0 = x + dx, sx = flip ? W - 1 - sx0 : sx0;
        const cut = Math.abs(y - cy) < half && Math.abs(x - cx) < half;
        for (let c = 0; c < C; c++) {
          const inside = sy >= 0 && sy < H && sx0 >= 0 && sx0 < W && !cut;
          const v = inside ? set.pixels[src + (sy * W + sx) * C + c]! : opts.mean[c]!;
          out[dst + (y * W + x) * C + c] = (v - opts.mean[c]!) / opts.std[c]!;
        }
      }
    }
  }
}

export function writeSubsetList(_path: string, _set: ImageClassificationSet, _indices: ArrayLike<number>): void {
  throw new BalmsInputError('subset lists need the data helper\'s module (placeholder)');
}

export function readSubsetList(path: string, _set: ImageClassificationSet): Int32Array {
  throw new BalmsInputError('subset lists need the data helper\'s module (placeholder)', { file: path });
}
