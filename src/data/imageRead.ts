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
  if (img.height !== height || img.width !== width) {
    const o = img.orientation ?? 1;
    if (o !== 1 && orientationSwapsAxes(o) && img.width === height && img.height === width) {
      throw new ImageReadError(
        'wrong-size',
        `image is ${img.width}×${img.height} upright (its EXIF orientation ${o} turns the stored ${img.height}×${img.width} a quarter turn) but the dataset says ${width}×${height}: ` +
          'balms applies EXIF orientation as detectron2 and browsers do, so the annotations must be in the upright frame (or remove the tag, e.g. exiftran -a)',
      );
    }
    throw new ImageReadError('wrong-size', `image is ${img.width}×${img.height} but the dataset says ${width}×${height}`);
  }
  return img;
}
