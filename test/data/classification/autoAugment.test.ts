import { describe, expect, it } from 'vitest';
import {
  applyOp,
  autoAugmentImage,
  autoAugmentMagnitude,
  autocontrastLut,
  CIFAR10_AUTOAUGMENT_POLICY,
  equalizeLut,
  type AutoAugmentOp,
} from '../../../src/data/classification/autoAugment.js';
import { augmentBatch, CIFAR10_CHANNEL_STATS, type ImageClassificationSet } from '../../../src/data/classification/index.js';
import { Rng } from '../../../src/util/rng.js';

const H = 8, W = 8; // prettier-ignore
const image = (f: (y: number, x: number, c: number) => number): Uint8Array => {
  const a = new Uint8Array(H * W * 3);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) for (let c = 0; c < 3; c++) a[(y * W + x) * 3 + c] = f(y, x, c);
  return a;
};
const noisy = image((y, x, c) => (y * 53 + x * 29 + c * 71 + ((x * y * 7) % 11)) & 255);
const op = (name: AutoAugmentOp, m: number, img: Uint8Array): Uint8Array => {
  const out = Uint8Array.from(img);
  applyOp(name, m, out, new Uint8Array(out.length), H, W);
  return out;
};
const at = (img: Uint8Array, y: number, x: number): number[] => Array.from(img.subarray((y * W + x) * 3, (y * W + x) * 3 + 3));

describe('AutoAugment operations', () => {
  it('are identities at their neutral magnitudes', () => {
    for (const [name, m] of [['shearX', 0], ['shearY', 0], ['translateX', 0], ['translateY', 0], ['rotate', 0], ['posterize', 8], ['solarize', 256], ['brightness', 0], ['contrast', 0], ['color', 0], ['sharpness', 0]] as const) {
      expect(op(name, m, noisy), name).toEqual(noisy);
    }
    expect(op('invert', 0, op('invert', 0, noisy))).toEqual(noisy);
    const grey = image((y, x) => y * 30 + x);
    expect(op('color', 0.9, grey)).toEqual(grey); // a grey image has no colour to change
  });

  it('translate by whole pixels shifts with grey fill, and rotate by 90° turns the image counter-clockwise', () => {
    const t = op('translateX', 3 / W, noisy); // out(x) = in(x + 3)
    expect(at(t, 2, 1)).toEqual(at(noisy, 2, 4));
    expect(at(t, 2, W - 1)).toEqual([128, 128, 128]);
    const r = op('rotate', 90, noisy); // out(x, y) = in(W−1−y, x)
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) expect(at(r, y, x)).toEqual(at(noisy, x, W - 1 - y));
  });

  it('shear keeps a flat image flat where it samples inside and fills grey where it leaves the image', () => {
    const flat = image(() => 100);
    const sheared = op('shearX', 0.3, flat); // row y samples x + ½ + 0.3·(y + ½): row 7 leaves the image from x = 6
    expect(at(sheared, 0, 7)).toEqual([100, 100, 100]);
    expect([at(sheared, 7, 5)[0], at(sheared, 7, 6)[0], at(sheared, 7, 7)[0]]).toEqual([100, 128, 128]);
  });

  it('posterize, solarize, brightness and contrast by hand', () => {
    const v = image(() => 0).fill(200);
    expect(at(op('posterize', 4, v), 0, 0)).toEqual([192, 192, 192]);
    expect(at(op('solarize', 128, v), 0, 0)).toEqual([55, 55, 55]);
    expect(at(op('solarize', 201, v), 0, 0)).toEqual([200, 200, 200]);
    expect(at(op('brightness', -0.5, v), 0, 0)).toEqual([100, 100, 100]);
    expect(at(op('brightness', 0.5, v), 0, 0)).toEqual([255, 255, 255]);
    const half = image((y) => (y < 4 ? 100 : 200)); // mean grey 150: contrast 1.5 → 150 ± 75
    expect([at(op('contrast', 0.5, half), 0, 0)[0], at(op('contrast', 0.5, half), 7, 0)[0]]).toEqual([75, 225]);
  });

  it("autocontrast stretches each channel's range to 0…255; equalize follows PIL's table", () => {
    const h = new Int32Array(256);
    h[50] = 3;
    h[101] = 5; // scale 255 / 51 = 5 exactly
    const lut = autocontrastLut(h);
    expect([lut[0], lut[50], lut[75], lut[101], lut[200]]).toEqual([0, 0, 125, 255, 255]);
    // equalize: values 10 (×2), 20 (×2), 30 (×4): step = (8 − 4) // 255 = 0 → identity; with 600 pixels a real table
    const small = new Int32Array(256);
    [small[10], small[20], small[30]] = [2, 2, 4];
    expect(equalizeLut(small)[20]).toBe(20);
    const big = new Int32Array(256);
    [big[10], big[20], big[30]] = [200, 200, 200];
    const eq = equalizeLut(big); // step = 400 // 255 = 1, n starts 0: lut[v] = pixels below v
    expect([eq[10], eq[20], eq[30]]).toEqual([0, 200, 255]);
  });

  it('sharpness blends with PIL SMOOTH: a lone bright pixel is smoothed by factor 0 and sharpened by factor 2', () => {
    const dot = image((y, x) => (y === 4 && x === 4 ? 130 : 0));
    expect(at(op('sharpness', -1, dot), 4, 4)[0]).toBe(50); // 5·130/13
    expect(at(op('sharpness', -1, dot), 4, 5)[0]).toBe(10); // 130/13
    expect(at(op('sharpness', 1, dot), 4, 4)[0]).toBe(210); // 50 + 2·(130 − 50)
  });
});

describe('autoAugmentImage', () => {
  it('uses the policy table and magnitudes of the reference (posterize 8,8,7,7,6,6,5,5,4,4)', () => {
    expect(CIFAR10_AUTOAUGMENT_POLICY).toHaveLength(25);
    expect(Array.from({ length: 10 }, (_, i) => autoAugmentMagnitude('posterize', i))).toEqual([8, 8, 7, 7, 6, 6, 5, 5, 4, 4]);
    expect(autoAugmentMagnitude('rotate', 2)).toBeCloseTo(20 / 3, 12);
    expect(autoAugmentMagnitude('translateY', 9)).toBeCloseTo(150 / 331, 12);
  });

  it('is seeded, changes many images, and augmentBatch applies it between flip and normalisation', () => {
    let changed = 0;
    for (let s = 0; s < 200; s++) {
      const a = Uint8Array.from(noisy), b = Uint8Array.from(noisy); // prettier-ignore
      autoAugmentImage(a, new Uint8Array(a.length), H, W, new Rng(s));
      autoAugmentImage(b, new Uint8Array(b.length), H, W, new Rng(s));
      expect(a).toEqual(b);
      if (a.some((v, i) => v !== noisy[i])) changed++;
    }
    expect(changed).toBeGreaterThan(60);
    const set: ImageClassificationSet = { classNames: ['a'], height: H, width: W, channels: 3, pixels: noisy, labels: new Int32Array(1), sources: ['x'] };
    const withAA = new Float32Array(H * W * 3);
    augmentBatch(set, Int32Array.from([0]), withAA, new Rng(9), { padCrop: 0, flip: false, cutout: 0, autoAugment: true, ...CIFAR10_CHANNEL_STATS });
    const expected = Uint8Array.from(noisy);
    autoAugmentImage(expected, new Uint8Array(expected.length), H, W, new Rng(9));
    const norm = Float32Array.from(expected, (v, j) => (v - CIFAR10_CHANNEL_STATS.mean[j % 3]!) / CIFAR10_CHANNEL_STATS.std[j % 3]!);
    expect(Array.from(withAA)).toEqual(Array.from(norm));
  });
});
