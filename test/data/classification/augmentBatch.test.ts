import { describe, expect, it } from 'vitest';
import { augmentBatch, normalizeBatch, CIFAR10_CHANNEL_STATS, type AugmentOptions, type ImageClassificationSet } from '../../../src/data/classification/index.js';
import { Rng } from '../../../src/util/rng.js';
import { inputErrorOf } from '../../helpers/inputErrors.js';

const H = 32, W = 32, C = 3; // prettier-ignore
const SIZE = H * W * C;

function setOf(n: number, pixel: (k: number, y: number, x: number, c: number) => number): ImageClassificationSet {
  const pixels = new Uint8Array(n * SIZE);
  for (let k = 0; k < n; k++) for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) for (let c = 0; c < C; c++) pixels[k * SIZE + (y * W + x) * C + c] = pixel(k, y, x, c);
  return { classNames: ['a'], height: H, width: W, channels: C, pixels, labels: new Int32Array(n), sources: Array.from({ length: n }, (_, k) => `${k}`) };
}

const random = setOf(6, (k, y, x, c) => (k * 97 + y * 31 + x * 17 + c * 5 + ((x * y) % 13)) & 255);
/** Channel 0 = row + 1, channel 1 = column + 1, channel 2 = 200: with mean 0 and std 1 the output shows where each pixel came from (0 = padding). */
const positions = setOf(1, (_, y, x, c) => (c === 0 ? y + 1 : c === 1 ? x + 1 : 200));
const raw = { mean: [0, 0, 0], std: [1, 1, 1] };
const all = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

/** Exact equality of two float arrays, checked in a plain loop (vitest's deep equality is slow on large typed arrays). */
function expectSame(a: Float32Array, b: Float32Array): void {
  expect(a.length).toBe(b.length);
  let first = -1;
  for (let i = 0; i < a.length && first < 0; i++) if (!Object.is(a[i], b[i])) first = i;
  expect(first < 0 ? 'equal' : `differ first at ${first}: ${a[first]} vs ${b[first]}`).toBe('equal');
}

/** The transform written the plain way (pad into a new array, crop, flip, normalise, cut out), drawing in the documented order. */
function oracle(set: ImageClassificationSet, indices: Int32Array, rng: Rng, o: AugmentOptions): Float32Array {
  const out = new Float32Array(indices.length * SIZE);
  const p = o.padCrop;
  const PH = H + 2 * p, PW = W + 2 * p; // prettier-ignore
  indices.forEach((i, k) => {
    const padded = new Uint8Array(PH * PW * C);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) for (let c = 0; c < C; c++) padded[((y + p) * PW + x + p) * C + c] = set.pixels[i * SIZE + (y * W + x) * C + c]!;
    const oy = p > 0 ? rng.int(2 * p + 1) : 0;
    const ox = p > 0 ? rng.int(2 * p + 1) : 0;
    const flip = o.flip && rng.next() < 0.5;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const cx = flip ? W - 1 - x : x;
        for (let c = 0; c < C; c++) out[k * SIZE + (y * W + x) * C + c] = (padded[((y + oy) * PW + cx + ox) * C + c]! - o.mean[c]!) / o.std[c]!;
      }
    }
    if (o.cutout > 0) {
      const cy = rng.int(H), cx = rng.int(W); // prettier-ignore
      const h = Math.floor(o.cutout / 2);
      for (let y = Math.max(0, cy - h); y < Math.min(H, cy + h); y++) for (let x = Math.max(0, cx - h); x < Math.min(W, cx + h); x++) for (let c = 0; c < C; c++) out[k * SIZE + (y * W + x) * C + c] = 0;
    }
  });
  return out;
}

describe('normalizeBatch and augmentBatch', () => {
  it('with no crop, flip or cutout is pure normalisation, draws nothing, and equals normalizeBatch', () => {
    const idx = Int32Array.from([3, 0, 5]);
    const expected = new Float32Array(idx.length * SIZE);
    idx.forEach((i, k) => {
      for (let j = 0; j < SIZE; j++) expected[k * SIZE + j] = (random.pixels[i * SIZE + j]! - CIFAR10_CHANNEL_STATS.mean[j % 3]!) / CIFAR10_CHANNEL_STATS.std[j % 3]!;
    });
    const a = new Float32Array(idx.length * SIZE);
    const rng = new Rng(1);
    augmentBatch(random, idx, a, rng, { padCrop: 0, flip: false, cutout: 0, ...CIFAR10_CHANNEL_STATS });
    expectSame(a, expected);
    expect(rng.getState()).toEqual(new Rng(1).getState());
    const b = new Float32Array(idx.length * SIZE);
    normalizeBatch(random, idx, b, CIFAR10_CHANNEL_STATS);
    expectSame(b, expected);
  });

  it('matches the plain-way oracle on the same seed, for every combination of the options', () => {
    for (const padCrop of [0, 4]) {
      for (const flip of [false, true]) {
        for (const cutout of [0, 16, 7]) {
          const o = { padCrop, flip, cutout, ...CIFAR10_CHANNEL_STATS };
          const idx = Int32Array.from([0, 1, 2, 3, 4, 5, 2]);
          const got = new Float32Array(idx.length * SIZE);
          augmentBatch(random, idx, got, new Rng(42), o);
          expectSame(got, oracle(random, idx, new Rng(42), o));
        }
      }
    }
  });

  it('is determined by the seed', () => {
    const o = { padCrop: 4, flip: true, cutout: 16, ...CIFAR10_CHANNEL_STATS };
    const run = (seed: number) => {
      const out = new Float32Array(6 * SIZE);
      augmentBatch(random, all(6), out, new Rng(seed), o);
      return out;
    };
    expectSame(run(7), run(7));
    const [a, b] = [run(7), run(8)];
    expect(a.some((v, i) => v !== b[i])).toBe(true);
  });

  it('flips about half the images, and a flip of the flip is the image', () => {
    const n = 400;
    const set = { ...positions, pixels: new Uint8Array(n * SIZE).map((_, j) => positions.pixels[j % SIZE]!), labels: new Int32Array(n), sources: Array.from({ length: n }, String) };
    const out = new Float32Array(n * SIZE);
    augmentBatch(set, all(n), out, new Rng(5), { padCrop: 0, flip: true, cutout: 0, ...raw });
    let flipped = 0;
    let wrong = 0;
    for (let k = 0; k < n; k++) {
      const img = out.subarray(k * SIZE, (k + 1) * SIZE);
      const isFlipped = img[1] === W; // column of output pixel (0, 0)
      flipped += isFlipped ? 1 : 0;
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          const back = isFlipped ? W - 1 - x : x; // undo the flip
          if (img[(y * W + back) * C + 1] !== x + 1) wrong++;
        }
      }
    }
    expect(wrong).toBe(0);
    expect(flipped).toBeGreaterThan(160);
    expect(flipped).toBeLessThan(240);
  });

  it('crops at every offset of the 9×9 range, with zero padding where the window leaves the image', () => {
    const seen = new Set<string>();
    const out = new Float32Array(SIZE);
    const rng = new Rng(11);
    let wrong = 0;
    for (let t = 0; t < 600; t++) {
      augmentBatch(positions, Int32Array.from([0]), out, rng, { padCrop: 4, flip: false, cutout: 0, ...raw });
      const dy = out[(16 * W + 16) * C]! - 1 - 16;
      const dx = out[(16 * W + 16) * C + 1]! - 1 - 16;
      seen.add(`${dy},${dx}`);
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          const inside = y + dy >= 0 && y + dy < H && x + dx >= 0 && x + dx < W;
          if (out[(y * W + x) * C] !== (inside ? y + dy + 1 : 0)) wrong++;
        }
      }
    }
    expect(wrong).toBe(0);
    expect(seen.size).toBe(81);
    for (const key of seen) for (const v of key.split(',').map(Number)) expect(Math.abs(v)).toBeLessThanOrEqual(4);
  });

  it('cuts out one square of side 16, clipped at the border', () => {
    const white = setOf(1, () => 255);
    const out = new Float32Array(SIZE);
    const rng = new Rng(3);
    const sides = new Set<string>();
    let area = 0;
    let wrong = 0;
    const trials = 1500;
    for (let t = 0; t < trials; t++) {
      augmentBatch(white, Int32Array.from([0]), out, rng, { padCrop: 0, flip: false, cutout: 16, ...raw });
      let y1 = H, y2 = -1, x1 = W, x2 = -1, zeros = 0; // prettier-ignore
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          const v = out[(y * W + x) * C]!;
          if (out[(y * W + x) * C + 2] !== v) wrong++; // every channel alike
          if (v === 0) (zeros++, (y1 = Math.min(y1, y)), (y2 = Math.max(y2, y)), (x1 = Math.min(x1, x)), (x2 = Math.max(x2, x)));
          else if (v !== 255) wrong++;
        }
      }
      const h = y2 - y1 + 1, w = x2 - x1 + 1; // prettier-ignore
      if (zeros !== h * w) wrong++; // one solid rectangle
      if ((y1 > 0 && y2 < H - 1 && h !== 16) || (x1 > 0 && x2 < W - 1 && w !== 16)) wrong++; // not clipped: the full side
      if (h < 8 || w < 8 || h > 16 || w > 16) wrong++;
      sides.add(`${h}x${w}`);
      area += zeros;
    }
    expect(wrong).toBe(0);
    // centres uniform over 0…31: side length averages 14 on each axis, so the area averages 196
    expect(area / trials).toBeGreaterThan(190);
    expect(area / trials).toBeLessThan(202);
    expect(sides.has('16x16') && sides.has('8x8')).toBe(true);
  });

  it('rejects a wrong number of channel stats, a too-small buffer and a bad option', () => {
    const out = new Float32Array(SIZE);
    expect(inputErrorOf(() => normalizeBatch(random, Int32Array.from([0]), out, { mean: [0], std: [1] })).message).toMatch(/need 3 values/);
    expect(inputErrorOf(() => normalizeBatch(random, Int32Array.from([0, 1]), out, raw)).message).toMatch(/holds 3072 values; 2 images need 6144/);
    expect(inputErrorOf(() => augmentBatch(random, Int32Array.from([0]), out, new Rng(0), { padCrop: 1.5, flip: false, cutout: 0, ...raw })).message).toMatch(/padCrop must be/);
  });
});
