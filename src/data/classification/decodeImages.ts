/**
 * Decodes a labelled list of encoded images (JPEG, PNG, …; from files or tarball members) into one
 * uint8 RGB `ImageClassificationSet`, checking that every image has the size of the first.
 */
import { BalmsInputError } from '../../util/errors.js';
import { decodeImage, type RgbImage } from '../image.js';
import type { ImageClassificationSet } from './imageSet.js';

/** One encoded image to decode. */
export interface EncodedImage {
  /** The set's `sources` entry (`train/airplane/0000.jpg`). */
  readonly source: string;
  readonly label: number;
  /** Where it is, for errors: the file, or the tarball with the member as `path`. */
  readonly where: { file: string; path?: string };
  /** Its bytes (read lazily, so a tree of files is not held in memory twice). */
  readonly bytes: () => Promise<Uint8Array>;
}

/** Image files the classification readers take, by extension. */
export const IMAGE_FILE_PATTERN = /\.(jpe?g|png|bmp)$/i;

/** Decodes `images` in order into a set with `classNames`; `log` gets a progress line every 10,000 images. */
export async function decodeLabelledImages(
  images: readonly EncodedImage[],
  classNames: string[],
  log?: (line: string) => void,
): Promise<ImageClassificationSet> {
  if (images.length === 0) throw new BalmsInputError('no images to decode');
  const labels = new Int32Array(images.length);
  const sources = images.map((im) => im.source);
  let pixels = new Uint8Array(0);
  let height = 0;
  let width = 0;
  const t0 = performance.now();
  for (let k = 0; k < images.length; k++) {
    const im = images[k]!;
    const img = await decodeOne(im);
    if (k === 0) {
      ({ height, width } = img);
      pixels = new Uint8Array(images.length * height * width * 3);
    } else if (img.height !== height || img.width !== width) {
      throw new BalmsInputError(`image is ${img.width}×${img.height} but ${images[0]!.source} is ${width}×${height}; all images of a split must have one size`, im.where);
    }
    pixels.set(img.data, k * height * width * 3);
    labels[k] = im.label;
    if (log && (k + 1) % 10000 === 0) log(`decoded ${k + 1}/${images.length} images (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  }
  return { classNames, height, width, channels: 3, pixels, labels, sources };
}

async function decodeOne(im: EncodedImage): Promise<RgbImage> {
  const bytes = await im.bytes();
  try {
    return await decodeImage(bytes);
  } catch (e) {
    throw new BalmsInputError(`cannot decode image: ${e instanceof Error ? e.message : String(e)}`, im.where);
  }
}
