/** Tiny synthetic classification data written by the tests: PNG trees, CIFAR binary batches, idx files. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Jimp } from 'jimp';

/** A deterministic RGB image of `h×w` whose bytes depend on `seed`. */
export function rgbImage(h: number, w: number, seed: number): Uint8Array {
  const px = new Uint8Array(h * w * 3);
  for (let i = 0; i < px.length; i++) px[i] = (seed * 37 + i * 11 + ((i * i) % 7)) & 255;
  return px;
}

/** PNG bytes of an RGB image. */
export async function pngBytes(rgb: Uint8Array, h: number, w: number): Promise<Uint8Array> {
  const img = new Jimp({ width: w, height: h });
  for (let p = 0; p < h * w; p++) {
    img.bitmap.data[p * 4] = rgb[p * 3]!;
    img.bitmap.data[p * 4 + 1] = rgb[p * 3 + 1]!;
    img.bitmap.data[p * 4 + 2] = rgb[p * 3 + 2]!;
    img.bitmap.data[p * 4 + 3] = 255;
  }
  return img.getBuffer('image/png');
}

/**
 * Writes `<root>/<split>/<class>/<name>.png` for each class in `perClass` (class → image count);
 * returns the images in label order (classes sorted), with their sources.
 */
export async function writePngTree(
  root: string,
  split: string,
  perClass: Record<string, number>,
  h = 4,
  w = 5,
): Promise<{ source: string; label: number; rgb: Uint8Array }[]> {
  const out: { source: string; label: number; rgb: Uint8Array }[] = [];
  const classes = Object.keys(perClass).sort();
  let seed = 1;
  for (const [label, cls] of classes.entries()) {
    mkdirSync(join(root, split, cls), { recursive: true });
    for (let k = 0; k < perClass[cls]!; k++) {
      const rgb = rgbImage(h, w, seed++);
      const name = `${String(k).padStart(3, '0')}.png`;
      writeFileSync(join(root, split, cls, name), await pngBytes(rgb, h, w));
      out.push({ source: `${split}/${cls}/${name}`, label, rgb });
    }
  }
  return out;
}

/** CIFAR-10-style records (label byte + R, G, B planes of 32×32) for the given labels; image k's HWC pixels are `cifarPixel(k, …)`. */
export function cifarRecords(labels: number[], labelBytes: 1 | 2 = 1): Uint8Array {
  const rec = labelBytes + 3072;
  const out = new Uint8Array(labels.length * rec);
  labels.forEach((l, k) => {
    if (labelBytes === 2) out[k * rec] = 99; // coarse label, ignored
    out[k * rec + labelBytes - 1] = l;
    for (let c = 0; c < 3; c++) for (let p = 0; p < 1024; p++) out[k * rec + labelBytes + c * 1024 + p] = cifarPixel(k, p, c);
  });
  return out;
}

/** The value of image k at pixel p (row-major) and channel c in `cifarRecords`. */
export function cifarPixel(k: number, p: number, c: number): number {
  return (k * 31 + p * 3 + c * 101) & 255;
}

/** An unsigned-byte idx file of `dims` holding `data`, gzipped if asked. */
export function idxBytes(dims: number[], data: Uint8Array, gz = false): Uint8Array {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head[2] = 0x08;
  head[3] = dims.length;
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  const bytes = Buffer.concat([head, data]);
  return gz ? gzipSync(bytes) : bytes;
}
