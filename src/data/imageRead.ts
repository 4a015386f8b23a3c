import { existsSync } from 'node:fs';
import { decodeImageFile, type RgbImage } from './image.js';
import { orientationSwapsAxes } from './orientation.js';

/** Why an image could not be used. */
export type ImageReadFailure = 'missing' | 'undecodable' | 'wrong-size';

/** A failure of `readImageChecked`, with a machine-readable reason (it crosses worker boundaries as plain data). */
export class ImageReadError extends Error {
  constructor(
    readonly reason: ImageReadFailure,
    message: string,
  ) {
    super(message);
    this.name = 'ImageReadError';
  }
}

/** Reads and decodes an image file and checks it is `width × height`. */
export async function readImageChecked(path: string, height: number, width: number): Promise<RgbImage> {
  if (!existsSync(path)) throw new ImageReadError('missing', 'image file not found');
  let img: RgbImage;
  try {
    img = await decodeImageFile(path);
  } catch (e) {
    throw new ImageReadError('undecodable', `cannot decode image: ${e instanceof Error ? e.message : String(e)}`);
  }
  const wrong = sizeMismatch(img, height, width);
  if (wrong) throw new ImageReadError('wrong-size', wrong);
  return img;
}

/**
 * Why an image of upright size `img` (with the EXIF orientation it had) does not fit a record of
 * `width × height`, or null when it does. A quarter-turn orientation whose stored frame would fit
 * is named: balms applies EXIF orientation, so such annotations were made on the stored frame.
 */
export function sizeMismatch(img: { width: number; height: number; orientation?: number }, height: number, width: number): string | null {
  if (img.height === height && img.width === width) return null;
  const o = img.orientation ?? 1;
  if (orientationSwapsAxes(o) && img.width === height && img.height === width) {
    return (
      `image is ${img.width}×${img.height} upright (its EXIF orientation ${o} turns the stored ${img.height}×${img.width} a quarter turn) but the dataset says ${width}×${height}: ` +
      'balms applies EXIF orientation as detectron2 and browsers do, so the annotations must be in the upright frame (or remove the tag, e.g. exiftran -a)'
    );
  }
  return `image is ${img.width}×${img.height} but the dataset says ${width}×${height}`;
}
