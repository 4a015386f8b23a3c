/**
 * The in-memory form of an image-classification split that every reader returns and every consumer
 * (subset builders, augmentation, the trainer) takes: all images of one size as one uint8 NHWC block.
 */
import { BalmsInputError } from '../../util/errors.js';

export interface ImageClassificationSet {
  /** Class names; index = label. */
  readonly classNames: string[];
  readonly height: number;
  readonly width: number;
  readonly channels: 1 | 3;
  /** N×H×W×C uint8, row-major (HWC per image). */
  readonly pixels: Uint8Array;
  readonly labels: Int32Array;
  /** Where each image came from (path inside the tree or tarball, or `<file>#<record>`), for reproducible lists. */
  readonly sources: string[];
}

/** The number of images in a set. */
export function imageCount(set: ImageClassificationSet): number {
  return set.labels.length;
}

/** The images at `indices` (in that order, repeats allowed) as a new set with copied pixels. */
export function subsetOf(set: ImageClassificationSet, indices: Int32Array): ImageClassificationSet {
  const n = set.labels.length;
  const size = set.height * set.width * set.channels;
  const pixels = new Uint8Array(indices.length * size);
  const labels = new Int32Array(indices.length);
  const sources = new Array<string>(indices.length);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k]!;
    if (!(i >= 0 && i < n)) throw new BalmsInputError(`subsetOf: index ${i} (at ${k}) is outside 0…${n - 1}`);
    pixels.set(set.pixels.subarray(i * size, (i + 1) * size), k * size);
    labels[k] = set.labels[i]!;
    sources[k] = set.sources[i]!;
  }
  return { classNames: set.classNames, height: set.height, width: set.width, channels: set.channels, pixels, labels, sources };
}

/** How many of `labels` fall in each class 0…numClasses−1; a label outside that range is an input error. */
export function classCounts(labels: Int32Array, numClasses: number): Int32Array {
  const counts = new Int32Array(numClasses);
  for (let k = 0; k < labels.length; k++) {
    const l = labels[k]!;
    if (!(l >= 0 && l < numClasses)) throw new BalmsInputError(`classCounts: label ${l} (at ${k}) is outside 0…${numClasses - 1}`);
    counts[l]!++;
  }
  return counts;
}

/** The indices of each class's images, in ascending order: `byClass[c]` lists the images labelled `c`. */
export function indicesByClass(labels: Int32Array, numClasses: number, from?: Int32Array): Int32Array[] {
  const pool = from ?? Int32Array.from({ length: labels.length }, (_, i) => i);
  const counts = new Int32Array(numClasses);
  for (const i of pool) {
    const l = labels[i];
    if (l === undefined) throw new BalmsInputError(`index ${i} is outside 0…${labels.length - 1}`);
    if (!(l >= 0 && l < numClasses)) throw new BalmsInputError(`label ${l} of image ${i} is outside 0…${numClasses - 1}`);
    counts[l]!++;
  }
  const byClass = Array.from(counts, (c) => new Int32Array(c));
  const fill = new Int32Array(numClasses);
  const sorted = Int32Array.from(pool).sort();
  for (const i of sorted) {
    const l = labels[i]!;
    byClass[l]![fill[l]!++] = i;
  }
  return byClass;
}

/**
 * Checks a set's shape invariants (pixel length N·H·W·C, as many labels as sources, labels in range);
 * a reader calls it before returning, so a mismatch is caught where it was made.
 */
export function checkImageSet(set: ImageClassificationSet, file?: string): void {
  const n = set.labels.length;
  const problem =
    set.sources.length !== n
      ? `${set.sources.length} sources for ${n} labels`
      : set.pixels.length !== n * set.height * set.width * set.channels
        ? `${set.pixels.length} pixel bytes for ${n} images of ${set.height}×${set.width}×${set.channels}`
        : undefined;
  if (problem) throw new BalmsInputError(`inconsistent image set: ${problem}`, { file });
  classCounts(set.labels, set.classNames.length);
}
