/**
 * Seeded fuzzing of the mask API with random (often hostile) inputs: every call either throws a
 * `BalmsInputError` or returns an RLE that covers exactly h·w pixels, whose area and box lie inside
 * the image, and which decodes and re-encodes to the same mask. Bounded by a fixed number of cases.
 */
import { describe, expect, it } from 'vitest';
import { area, decode, encode, frBbox, frPoly, merge, rleFromString, toBbox, type Rle } from '../../../src/coco/mask/index.js';
import { BalmsInputError } from '../../../src/util/errors.js';
import { Rng } from '../../../src/util/rng.js';

/** The invariants every RLE the API returns must meet. */
function checkRle(r: Rle, h: number, w: number, what: string): void {
  let total = 0;
  for (const c of r.counts) total += c;
  expect(total, what).toBe(h * w);
  const a = area(r);
  expect(a >= 0 && a <= h * w, what).toBe(true);
  const box = Array.from(toBbox(r));
  const [x, y, bw, bh] = box as [number, number, number, number];
  if (a === 0) {
    // pycocotools' documented box of an empty mask: zeros, or its uint-wrapped [w, h, 2^32-w+1, 2^32-h+1]
    const wrapped = [w, h, (2 ** 32 - w + 1) % 2 ** 32, (2 ** 32 - h + 1) % 2 ** 32];
    expect([[0, 0, 0, 0], wrapped], `${what}: bbox ${box}`).toContainEqual(box);
  } else {
    expect(x >= 0 && y >= 0 && bw >= 1 && bh >= 1 && x + bw <= w && y + bh <= h, `${what}: bbox ${box}`).toBe(true);
  }
  const m = decode(r);
  expect(m.reduce((s, v) => s + v, 0), what).toBe(a);
  expect(area(encode(m, h, w)), what).toBe(a);
}

function guarded<T>(f: () => T, what: string): T | null {
  try {
    return f();
  } catch (e) {
    if (e instanceof BalmsInputError) return null;
    throw new Error(`${what}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function coord(rng: Rng, size: number): number {
  switch (rng.int(5)) {
    case 0:
      return rng.uniform(-1e9, 1e9);
    case 1:
      return rng.uniform(-2, size + 2);
    case 2:
      return [0, size, -0.5, size + 0.5, 2e8, -2e8, NaN, Infinity][rng.int(8)]!;
    default:
      return Math.round(rng.uniform(0, size) * 4) / 4;
  }
}

describe('mask API fuzzing (seeded)', () => {
  it('frPoly / frBbox on 2000 random polygons, boxes and image sizes', () => {
    let ok = 0;
    for (let seed = 1; seed <= 2000; seed++) {
      const rng = new Rng(seed);
      const h = rng.next() < 0.1 ? 0 : rng.int(40);
      const w = rng.next() < 0.1 ? 0 : rng.int(40);
      const n = 2 * (1 + rng.int(8));
      const poly = Array.from({ length: n }, (_, i) => coord(rng, i % 2 ? h : w));
      const what = `seed ${seed}: ${h}×${w} ${JSON.stringify(poly)}`;
      const r = guarded(() => frPoly(poly, h, w), what);
      if (r) {
        checkRle(r, h, w, what);
        ok++;
      }
      const box = guarded(() => frBbox(poly.slice(0, 4), h, w), what);
      if (box) checkRle(box, h, w, `${what} (box)`);
    }
    expect(ok).toBeGreaterThan(300);
  });

  it('rleFromString on 3000 random strings, and merge of what decodes', () => {
    let ok = 0;
    const alphabet = '0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmno';
    for (let seed = 1; seed <= 3000; seed++) {
      const rng = new Rng(10_000 + seed);
      const h = rng.int(12);
      const w = rng.int(12);
      // valid-ish strings: the encoding of random runs, then perhaps a corrupted character
      const runs: number[] = [];
      let left = h * w;
      while (left > 0 && rng.next() < 0.9) {
        const c = Math.min(left, rng.int(6));
        runs.push(c);
        left -= c;
      }
      if (rng.next() < 0.8) runs.push(left);
      let s = encodeRuns(runs);
      if (rng.next() < 0.3 && s.length) {
        const at = rng.int(s.length);
        s = s.slice(0, at) + (rng.next() < 0.9 ? alphabet[rng.int(alphabet.length)]! : ' ') + s.slice(at + 1);
      }
      const what = `seed ${seed}: ${h}×${w} ${JSON.stringify(s)}`;
      const r = guarded(() => rleFromString(s, h, w), what);
      if (!r) continue;
      checkRle(r, h, w, what);
      const other = frBbox([rng.uniform(-2, w), rng.uniform(-2, h), rng.uniform(0, w), rng.uniform(0, h)], h, w);
      for (const intersect of [false, true]) {
        const m = guarded(() => merge([r, other], intersect), what);
        if (h * w > 0) expect(m, what).not.toBeNull(); // a 0-pixel string decodes to no runs at all, which merge refuses
        if (m) checkRle(m, h, w, `${what} merge`);
      }
      ok++;
    }
    expect(ok).toBeGreaterThan(1000);
  });
});

/** The compressed code of a run list (as `rleToString`, re-derived here: 5 bits a character, deltas from the 4th run). */
function encodeRuns(runs: number[]): string {
  let out = '';
  for (let i = 0; i < runs.length; i++) {
    let x = i > 2 ? runs[i]! - runs[i - 2]! : runs[i]!;
    for (;;) {
      const c = x & 0x1f;
      x >>= 5;
      const more = c & 0x10 ? x !== -1 : x !== 0;
      out += String.fromCharCode((more ? c | 0x20 : c) + 48);
      if (!more) break;
    }
  }
  return out;
}
