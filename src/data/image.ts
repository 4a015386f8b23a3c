import { readFile } from 'node:fs/promises';
import { closeSync, openSync, readSync } from 'node:fs';
import { Jimp } from 'jimp';
import { decodeJpegRgb } from './jpegDecode.js';
import { isJpeg, readJpegInfo } from './jpegInfo.js';
import { orientationSwapsAxes } from './orientation.js';
import { BalmsInputError } from '../util/errors.js';

/** An 8-bit RGB image, row-major HWC: pixel (y, x) channel c is at `(y * width + x) * 3 + c`. */
export interface RgbImage {
  data: Uint8Array;
  height: number;
  width: number;
  /** The EXIF orientation that was applied on decode (1 or absent: none). */
  orientation?: number;
}

/** Largest JPEG decoded, in megapixels (a guard against decompression bombs). */
const MAX_MEGAPIXELS = 200;

function isPng(b: Uint8Array): boolean {
  return b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47;
}

/**
 * Decodes image bytes into 8-bit RGB, upright: a JPEG's EXIF orientation is applied (see
 * `applyOrientation`). JPEG (baseline, progressive, greyscale, Adobe CMYK/YCCK) is decoded straight
 * to RGB by `decodeJpegRgb` (compact: a 12 MP photo needs ~110 MB, not jimp's ~450 MB); PNG (any bit depth, palette, grey, alpha), BMP, GIF and TIFF through jimp
 * (pngjs), with alpha dropped (not composited) and 16-bit samples rounded to 8 bits.
 * A JPEG that stops before its end-of-image marker is an error (`truncated JPEG`), not a grey tail.
 */
export async function decodeImage(bytes: Uint8Array): Promise<RgbImage> {
  if (isJpeg(bytes)) return decodeJpeg(bytes);
  const img = await Jimp.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const { width, height, data: rgba } = img.bitmap;
  return { data: rgbaToRgb(rgba, width * height), height, width };
}

function decodeJpeg(bytes: Uint8Array): RgbImage {
  const orientation = readJpegInfo(bytes)?.orientation ?? 1;
  return { ...decodeJpegRgb(bytes, MAX_MEGAPIXELS * 1e6, orientation), orientation };
}

/** Reads and decodes an image file (see `decodeImage`). Errors are the raw fs/decoder errors. */
export async function decodeImageFile(path: string): Promise<RgbImage> {
  return decodeImage(await readFile(path));
}

/**
 * The upright size (and EXIF orientation, 1 for none) of an image file without decoding its pixels: a JPEG's frame header and EXIF
 * orientation (the whole file is walked, so a truncated JPEG fails here, before any model work),
 * a PNG's IHDR; other formats (and unreadable headers) are decoded.
 */
export async function imageFileSize(path: string): Promise<{ width: number; height: number; orientation: number }> {
  const head = readHead(path, 32);
  if (isPng(head) && head.length >= 24) {
    const v = new DataView(head.buffer, head.byteOffset, head.byteLength);
    return { width: v.getUint32(16), height: v.getUint32(20), orientation: 1 };
  }
  if (isJpeg(head)) {
    const info = readJpegInfo(await readFile(path), true);
    if (info && !info.complete) throw new BalmsInputError('truncated JPEG: the file ends before its end-of-image marker');
    if (info) {
      const { width, height, orientation } = info;
      return orientationSwapsAxes(orientation) ? { width: height, height: width, orientation } : { width, height, orientation };
    }
  }
  const img = await decodeImageFile(path);
  return { width: img.width, height: img.height, orientation: img.orientation ?? 1 };
}

function readHead(path: string, n: number): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const buf = new Uint8Array(n);
    return buf.subarray(0, readSync(fd, buf, 0, n, 0));
  } finally {
    closeSync(fd);
  }
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
