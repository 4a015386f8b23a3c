import { describe, expect, it } from 'vitest';
import { area, rleFromString, rleToString, toBbox } from '../../../src/coco/mask/index.js';
import { BalmsInputError } from '../../../src/util/errors.js';
import { loadFixture } from './fixtures.js';

interface StringCase {
  h: number;
  w: number;
  counts: number[];
  string: string;
  pyRoundTrip?: string;
  pyArea?: number;
  pyBbox?: number[];
  pyCrashed?: boolean;
}
interface Hand {
  c5_10_3_2: string;
  c0_1e6_5: string;
}
const fx = loadFixture<{ cases: StringCase[]; hand: Hand }>('mask_strings.json');

/** True when some value of `s` is 7 characters long and negative (sign bit set in its last char). */
function hasLongNegativeToken(s: string): boolean {
  let k = 0;
  for (let p = 0; p < s.length; p++) {
    const c = s.charCodeAt(p) - 48;
    k++;
    if (!(c & 0x20)) {
      if (k === 7 && c & 0x10) return true;
      k = 0;
    }
  }
  return false;
}

describe('RLE string codec', () => {
  it('matches the hand-checked vectors', () => {
    const rle = (c: number[]) => ({ h: 1, w: 1, counts: Uint32Array.from(c) });
    expect(rleToString(rle([5, 10, 3, 2]))).toBe('5:3H');
    expect(rleToString(rle([0, 1000000, 5]))).toBe('0Pb`n05');
    expect(fx.hand.c5_10_3_2).toBe('5:3H');
    expect(fx.hand.c0_1e6_5).toBe('0Pb`n05');
    expect(Array.from(rleFromString('5:3H', 1, 20).counts)).toEqual([5, 10, 3, 2]);
    expect(Array.from(rleFromString('0Pb`n05', 1, 1000005).counts)).toEqual([0, 1000000, 5]);
    // the delta rule applies from the 4th run on only (i > 2)
    expect(rleToString(rle([7, 7, 7]))).toBe('777');
    expect(rleToString(rle([7, 7, 7, 7]))).toBe('7770');
  });

  it(`encodes ${fx.cases.length} run lists (up to 2^32-1) like pycocotools and decodes them back`, () => {
    expect(fx.cases.length).toBeGreaterThanOrEqual(150);
    let huge = 0;
    for (const c of fx.cases) {
      const rle = { h: c.h, w: c.w, counts: Uint32Array.from(c.counts) };
      const s = rleToString(rle);
      expect(s).toBe(c.string);
      const back = rleFromString(s, c.h, c.w);
      expect(Array.from(back.counts)).toEqual(c.counts);
      if (c.counts.some((v) => v >= 2 ** 31)) huge++;
    }
    expect(huge).toBeGreaterThan(40);
  });

  it('agrees with pycocotools decoding everywhere except its 7-character negative deltas', () => {
    let same = 0;
    let diverged = 0;
    for (const c of fx.cases) {
      if (c.pyCrashed) continue;
      const ours = rleFromString(c.string, c.h, c.w);
      if (c.pyRoundTrip === c.string) {
        expect(area(ours)).toBe(c.pyArea);
        expect(toBbox(ours)).toEqual(c.pyBbox);
        same++;
      } else {
        // pycocotools computes `-1 << 35` in C int (x86: -1 << 3) and corrupts these values;
        // they only arise on images of 2^29 pixels or more.
        expect(hasLongNegativeToken(c.string)).toBe(true);
        diverged++;
      }
    }
    expect(same).toBeGreaterThan(100);
    expect(diverged).toBeGreaterThan(0);
  });

  it('reports malformed strings as input errors', () => {
    expect(() => rleFromString('5:3 H', 1, 20)).toThrow(BalmsInputError);
    expect(() => rleFromString('5:3 H', 1, 20)).toThrow(/invalid character " " at 3/);
    expect(() => rleFromString('5P', 1, 20)).toThrow(/ends inside a value/);
    expect(() => rleFromString('PPPPPPPPP0', 1, 20)).toThrow(/longer than 8/);
    expect(rleFromString('', 0, 0).counts.length).toBe(0);
  });
});
