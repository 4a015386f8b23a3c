/**
 * Real image input kept right: variants of one image decode to the original's pixels, upright.
 * JPEG variants that JS cannot write (progressive, CMYK) are committed synthetic fixtures made by
 * scripts/fixtures/data_image_variants.py (Pillow); EXIF orientation, truncation and PNG variants
 * (palette, 16-bit grey, RGBA) are made here from a real COCO photo in ../shared/real (those tests
 * skip, saying so, when it is absent).
 *
 * JPEG pixels are also checked bit for bit against jpeg-js (whose integer IDCT and colour maths the
 * decoder shares by design, while its parsing, Huffman and progressive decoding are separate code).
 *
 * Tolerances: lossless variants (PNG) must match exactly; a JPEG against its lossless original
 * within mean |Δ| ≤ 1.5 and max |Δ| ≤ 24 levels (q95, 4:4:4; mean ≤ 6 at q90 4:2:0, where chroma
 * edges blur); a JPEG against Pillow's (libjpeg's)
 * decode of the same file within mean |Δ| ≤ 1 and max |Δ| ≤ 8 (IDCT rounding differs).
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { applyOrientation, decodeImage, decodeImageFile, imageFileSize, readImageChecked, readJpegInfo, type RgbImage } from '../../src/data/index.js';
import { decodeJpegRgb } from '../../src/data/jpegDecode.js';
import { crc32 } from '../../src/util/crc32.js';
import { withOrientation } from '../helpers/exifJpeg.js';

const FIX = join(import.meta.dirname, '..', 'fixtures', 'data', 'images');
const REAL = join(import.meta.dirname, '..', '..', '..', 'shared', 'real', 'lvis_val_64', 'images');
const hasReal = existsSync(REAL);
if (!hasReal) console.warn(`imageVariants: ${REAL} is absent; the real-photo tests are skipped`);
const tmp = mkdtempSync(join(tmpdir(), 'balms-image-variants-'));

function diff(a: RgbImage, b: RgbImage): { mean: number; max: number } {
  expect([a.width, a.height]).toEqual([b.width, b.height]);
  let sum = 0;
  let max = 0;
  for (let i = 0; i < a.data.length; i++) {
    const d = Math.abs(a.data[i]! - b.data[i]!);
    sum += d;
    if (d > max) max = d;
  }
  return { mean: sum / a.data.length, max };
}

function fixture(name: string): Promise<RgbImage> {
  return decodeImageFile(join(FIX, name));
}

/** A minimal PNG (filter 0 on every row) from raw samples. */
function png(width: number, height: number, colorType: number, bitDepth: number, samples: Uint8Array, palette?: Uint8Array): Uint8Array {
  const channels = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }[colorType]!;
  const rowBytes = (width * channels * bitDepth) / 8;
  const raw = new Uint8Array((rowBytes + 1) * height);
  for (let y = 0; y < height; y++) raw.set(samples.subarray(y * rowBytes, (y + 1) * rowBytes), y * (rowBytes + 1) + 1);
  const chunk = (type: string, data: Uint8Array) => {
    const body = new Uint8Array(4 + data.length);
    body.set(Buffer.from(type, 'latin1'));
    body.set(data, 4);
    const out = new Uint8Array(12 + data.length);
    const dv = new DataView(out.buffer);
    dv.setUint32(0, data.length);
    out.set(body, 4);
    dv.setUint32(8 + data.length, crc32(body));
    return out;
  };
  const ihdr = new Uint8Array(13);
  new DataView(ihdr.buffer).setUint32(0, width);
  new DataView(ihdr.buffer).setUint32(4, height);
  ihdr[8] = bitDepth;
  ihdr[9] = colorType;
  const parts = [Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr)];
  if (palette) parts.push(chunk('PLTE', palette));
  parts.push(chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0)));
  return Buffer.concat(parts);
}

describe('EXIF orientation', () => {
  it('applyOrientation matches Pillow ImageOps.exif_transpose for orientations 1–8', () => {
    const o = JSON.parse(readFileSync(join(FIX, 'orientation.json'), 'utf8')) as {
      height: number;
      width: number;
      data: number[];
      upright: Record<string, { height: number; width: number; data: number[] }>;
    };
    const img = { data: Uint8Array.from(o.data), height: o.height, width: o.width };
    for (let k = 1; k <= 8; k++) {
      const want = o.upright[String(k)]!;
      const got = applyOrientation(img, k);
      expect({ k, h: got.height, w: got.width, data: [...got.data] }).toEqual({ k, h: want.height, w: want.width, data: want.data });
    }
  });

  it('a tag the decoder cannot use (0, 9) leaves the image as stored', () => {
    const img = { data: Uint8Array.from([1, 2, 3, 4, 5, 6]), height: 1, width: 2 };
    expect(applyOrientation(img, 0)).toBe(img);
    expect(applyOrientation(img, 9)).toBe(img);
  });
});

describe('synthetic JPEG variants (Pillow fixtures)', () => {
  it('a baseline JPEG decodes to the lossless original within JPEG tolerance', async () => {
    const d = diff(await fixture('baseline.jpg'), await fixture('synth.png'));
    expect(d.mean).toBeLessThanOrEqual(1.5);
    expect(d.max).toBeLessThanOrEqual(24);
  });

  it('a progressive JPEG decodes to exactly the pixels of its baseline twin (same coefficients)', async () => {
    const prog = readFileSync(join(FIX, 'progressive.jpg'));
    expect(readJpegInfo(prog, true)).toMatchObject({ progressive: true, complete: true, components: 3 });
    expect(diff(await decodeImage(prog), await fixture('baseline.jpg'))).toEqual({ mean: 0, max: 0 });
  });

  it('4:2:0 chroma: progressive and restart-marker twins decode to exactly the baseline pixels', async () => {
    const base = await fixture('baseline_420.jpg');
    // 4:2:0 keeps a quarter of the chroma samples: the disc's and bar's colour edges blur
    expect(diff(base, await fixture('synth.png')).mean).toBeLessThanOrEqual(6);
    expect(diff(await fixture('progressive_420.jpg'), base)).toEqual({ mean: 0, max: 0 });
    expect(diff(await fixture('restart_420.jpg'), base)).toEqual({ mean: 0, max: 0 });
  });

  it('a greyscale JPEG decodes to grey RGB as Pillow does', async () => {
    const vsPillow = diff(await fixture('grey.jpg'), await fixture('grey_expected.png'));
    expect(vsPillow.mean).toBeLessThanOrEqual(1);
    expect(vsPillow.max).toBeLessThanOrEqual(8);
  });

  it('every fixture decodes to exactly what jpeg-js (an independent decoder) gives', () => {
    for (const f of ['baseline.jpg', 'progressive.jpg', 'baseline_420.jpg', 'progressive_420.jpg', 'restart_420.jpg', 'grey.jpg', 'cmyk.jpg']) {
      expect(sameAsJpegJs(readFileSync(join(FIX, f))), f).toBe(true);
    }
  });

  it('corrupt and unsupported JPEGs give one-line reasons', () => {
    const base = readFileSync(join(FIX, 'baseline.jpg'));
    expect(() => decodeJpegRgb(Buffer.from([0xff, 0xd8, 0xff, 0xd9]))).toThrow(/no frame header/);
    const sof = base.indexOf(Buffer.from([0xff, 0xc0]));
    const lossless = Buffer.from(base);
    lossless[sof + 1] = 0xc3;
    expect(() => decodeJpegRgb(lossless)).toThrow(/unsupported JPEG: lossless/);
    const twelveBit = Buffer.from(base);
    twelveBit[sof + 4] = 12;
    expect(() => decodeJpegRgb(twelveBit)).toThrow(/12-bit/);
    expect(() => decodeJpegRgb(base, 100)).toThrow(/larger than/);
  });

  it('a CMYK JPEG (Adobe, non-zero K) decodes to RGB as Pillow does, and to the original within JPEG tolerance', async () => {
    const bytes = readFileSync(join(FIX, 'cmyk.jpg'));
    expect(readJpegInfo(bytes)).toMatchObject({ components: 4 });
    const img = await decodeImage(bytes);
    const vsPillow = diff(img, await fixture('cmyk_expected.png'));
    expect(vsPillow.mean).toBeLessThanOrEqual(1);
    expect(vsPillow.max).toBeLessThanOrEqual(8);
    const vsOriginal = diff(img, await fixture('synth.png'));
    expect(vsOriginal.mean).toBeLessThanOrEqual(3);
  });
});

/** Whether our decoder gives exactly jpeg-js's pixels (same IDCT, upsampling and colour maths by design). */
function sameAsJpegJs(bytes: Uint8Array): boolean {
  const a = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, maxMemoryUsageInMB: 2048 });
  const b = decodeJpegRgb(bytes);
  return a.width === b.width && a.height === b.height && Buffer.compare(Buffer.from(a.data), Buffer.from(b.data)) === 0;
}

describe.skipIf(!hasReal)('variants of a real photo (../shared/real/lvis_val_64)', () => {
  it('16 photos of the set decode to exactly what jpeg-js gives', () => {
    const files = readdirSync(REAL).filter((f) => f.endsWith('.jpg')).sort().slice(0, 16);
    expect(files).toHaveLength(16);
    expect(files.filter((f) => !sameAsJpegJs(readFileSync(join(REAL, f))))).toEqual([]);
  });

  const name = hasReal ? readdirSync(REAL).filter((f) => f.endsWith('.jpg')).sort()[0]! : '';
  const bytes = hasReal ? readFileSync(join(REAL, name)) : Buffer.alloc(0);
  const original = hasReal ? decodeImage(bytes) : Promise.resolve({ data: new Uint8Array(0), height: 0, width: 0 });

  it('the photo itself: upright size from the header equals the decoded size', async () => {
    const img = await original;
    expect(img.width * img.height).toBeGreaterThan(10_000);
    expect(await imageFileSize(join(REAL, name))).toEqual({ width: img.width, height: img.height, orientation: 1 });
  });

  for (const [o, bigEndian] of [[2, false], [3, true], [4, false], [5, true], [6, false], [6, true], [7, false], [8, true]] as const) {
    it(`EXIF orientation ${o} (${bigEndian ? 'big' : 'little'}-endian TIFF) decodes to the original turned upright, with the upright size in the header read`, async () => {
      const img = await original;
      const file = join(tmp, `exif${o}${bigEndian ? 'be' : 'le'}.jpg`);
      writeFileSync(file, withOrientation(bytes, o, bigEndian));
      const got = await decodeImageFile(file);
      const want = applyOrientation(img, o);
      expect(got.orientation).toBe(o);
      expect(diff(got, want)).toEqual({ mean: 0, max: 0 });
      const swapped = o >= 5;
      expect([got.width, got.height]).toEqual(swapped ? [img.height, img.width] : [img.width, img.height]);
      expect(await imageFileSize(file)).toEqual({ width: got.width, height: got.height, orientation: o });
    });
  }

  it('a size check against the stored (not upright) frame says the EXIF orientation is why', async () => {
    const img = await original;
    const file = join(tmp, 'exif6-check.jpg');
    writeFileSync(file, withOrientation(bytes, 6));
    await expect(readImageChecked(file, img.width, img.height)).resolves.toMatchObject({ width: img.height, height: img.width });
    await expect(readImageChecked(file, img.height, img.width)).rejects.toThrow(/EXIF orientation 6 .*annotations must be in the upright frame/);
  });

  it('a truncated JPEG is rejected (not decoded with a grey tail), wherever it is cut', async () => {
    for (const keep of [0.3, 0.7, 0.99]) {
      const file = join(tmp, `cut${keep}.jpg`);
      writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length * keep)));
      await expect(decodeImageFile(file)).rejects.toThrow(/truncated JPEG/);
      await expect(readImageChecked(file, 1, 1)).rejects.toMatchObject({ reason: 'undecodable', message: expect.stringMatching(/truncated JPEG/) });
    }
    // Stray bytes before a marker are skipped (as libjpeg does), not taken for corruption.
    const sos = bytes.indexOf(Buffer.from([0xff, 0xda]));
    const stray = Buffer.concat([bytes.subarray(0, sos), Buffer.from([0x00, 0x13]), bytes.subarray(sos)]);
    expect(diff(await decodeImage(stray), await original)).toEqual({ mean: 0, max: 0 });
    // Bytes after the end-of-image marker (some cameras append data) are not truncation.
    expect(diff(await decodeImage(Buffer.concat([bytes, Buffer.from('trailer')])), await original)).toEqual({ mean: 0, max: 0 });
  });

  it('PNG variants decode to the same pixels: RGB, RGBA (alpha dropped), 16-bit grey, palette', async () => {
    const img = await original;
    const { width: w, height: h, data } = img;
    const n = w * h;
    // 8-bit RGB
    expect(diff(await decodeImage(png(w, h, 2, 8, data)), img)).toEqual({ mean: 0, max: 0 });
    // RGBA with a varying alpha: the colour channels are kept as stored
    const rgba = new Uint8Array(n * 4);
    for (let p = 0; p < n; p++) rgba.set([data[3 * p]!, data[3 * p + 1]!, data[3 * p + 2]!, (p * 7) & 255], 4 * p);
    expect(diff(await decodeImage(png(w, h, 6, 8, rgba)), img)).toEqual({ mean: 0, max: 0 });
    // 16-bit grey from the green channel: v = g·257 must come back as g
    const grey16 = new Uint8Array(n * 2);
    const greyRgb = new Uint8Array(n * 3);
    for (let p = 0; p < n; p++) {
      const g = data[3 * p + 1]!;
      grey16[2 * p] = g;
      grey16[2 * p + 1] = g; // g·257 big-endian: high byte g, low byte g
      greyRgb.set([g, g, g], 3 * p);
    }
    expect(diff(await decodeImage(png(w, h, 0, 16, grey16)), { data: greyRgb, height: h, width: w })).toEqual({ mean: 0, max: 0 });
    // Palette: the photo quantised to 3-3-2 bits (256 colours); each pixel must come back as its palette colour
    const palette = new Uint8Array(256 * 3);
    for (let i = 0; i < 256; i++) palette.set([(i >> 5) * 36, ((i >> 2) & 7) * 36, (i & 3) * 85], 3 * i);
    const idx = new Uint8Array(n);
    const quant = new Uint8Array(n * 3);
    for (let p = 0; p < n; p++) {
      const i = ((data[3 * p]! >> 5) << 5) | ((data[3 * p + 1]! >> 5) << 2) | (data[3 * p + 2]! >> 6);
      idx[p] = i;
      quant.set(palette.subarray(3 * i, 3 * i + 3), 3 * p);
    }
    expect(diff(await decodeImage(png(w, h, 3, 8, idx, palette)), { data: quant, height: h, width: w })).toEqual({ mean: 0, max: 0 });
    expect(await imageFileSize((writeFileSync(join(tmp, 'p.png'), png(w, h, 3, 8, idx, palette)), join(tmp, 'p.png')))).toEqual({ width: w, height: h, orientation: 1 });
  });
});
