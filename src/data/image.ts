import { readFile } from 'node:fs/promises';
import { Jimp } from 'jimp';

/** An 8-bit RGB image, row-major HWC: pixel (y, x) channel c is at `(y * width + x) * 3 + c`. */
export interface RgbImage {
  data: Uint8Array;
  height: number;
  width: number;
}

/** Decodes PNG, JPEG, BMP, GIF or TIFF bytes with jimp into RGB (alpha dropped). */
export async function decodeImage(bytes: Uint8Array): Promise<RgbImage> {
  const img = await Jimp.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const { width, height, data: rgba } = img.bitmap;
  return { data: rgbaToRgb(rgba, width * height), height, width };
}

/** Reads and decodes an image file (see `decodeImage`). Errors are the raw fs/jimp errors. */
export async function decodeImageFile(path: string): Promise<RgbImage> {
  return decodeImage(await readFile(path));
}

/** Drops the alpha channel of `n` RGBA pixels. */
export function rgbaToRgb(rgba: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array(n * 3);
  for (let p = 0, q = 0; p < n; p++, q += 4) {
    out[p * 3] = rgba[q]!;
    out[p * 3 + 1] = rgba[q + 1]!;
    out[p * 3 + 2] = rgba[q + 2]!;
  }
  return out;
}
