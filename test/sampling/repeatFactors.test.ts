import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  categoryImageFrequency,
  categoryRepeatFactors,
  imageCategorySets,
  RepeatFactorSampler,
  repeatFactors,
} from '../../src/sampling/index.js';
import type { LvisDataset } from '../../src/coco/types.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

// 6 images; category 1 in 4 of them (image 5 has it twice: counted once), 2 in 2, 3 in 1.
const IMAGES = [[1], [1, 2], [1], [3], [], [1, 1, 2]];

describe('repeatFactors (LVIS / detectron2 definition)', () => {
  it('f(c) counts each image once', () => {
    const f = categoryImageFrequency(IMAGES);
    expect(Array.from(f)).toEqual([0, 4 / 6, 2 / 6, 1 / 6]);
  });

  it('equals hand-computed factors with the square root', () => {
    // t = 0.5: r(1) = max(1, √(0.5/(4/6))) = 1, r(2) = √1.5, r(3) = √3.
    const rc = categoryRepeatFactors(IMAGES, { threshold: 0.5 });
    expect(rc[1]).toBe(1);
    expect(rc[2]).toBeCloseTo(Math.sqrt(1.5), 15);
    expect(rc[3]).toBeCloseTo(Math.sqrt(3), 15);
    const r = repeatFactors(IMAGES, { threshold: 0.5 });
    const s15 = Math.sqrt(1.5), s3 = Math.sqrt(3);
    expect(Array.from(r)).toEqual([1, s15, 1, s3, 1, s15]); // empty image → 1; max over classes
  });

  it('equals hand-computed factors without the square root', () => {
    expect(Array.from(repeatFactors(IMAGES, { threshold: 0.5, sqrt: false }))).toEqual([1, 1.5, 1, 3, 1, 1.5]);
  });

  it('defaults to t = 0.001 (every factor 1 here: no category is that rare)', () => {
    expect(Array.from(repeatFactors(IMAGES))).toEqual([1, 1, 1, 1, 1, 1]);
    // a category in 1 of 4000 images: f = 2.5e-4, r = √(0.001/2.5e-4) = 2
    const many: number[][] = Array.from({ length: 4000 }, (_, i) => (i === 0 ? [0, 7] : [0]));
    expect(repeatFactors(many)[0]).toBeCloseTo(2, 14);
    expect(repeatFactors(many)[1]).toBe(1);
  });

  it('rejects bad input with a BalmsInputError', () => {
    expect(() => repeatFactors([[1, -2]])).toThrow(/imageCategories\[0\]\[1\]/);
    expect(() => repeatFactors([[1]], { threshold: -1 })).toThrow(/threshold/);
  });
});

const lvisPath = join(root, '..', 'shared', 'lvis', 'lvis_val_100.json');
describe.skipIf(!existsSync(lvisPath))('repeatFactors on lvis_val_100.json', () => {
  it('matches the Python oracle (detectron2 RepeatFactorTrainingSampler formula) at t = 0.1, sqrt and not', () => {
    const ds = JSON.parse(readFileSync(lvisPath, 'utf8')) as LvisDataset;
    const golden = JSON.parse(readFileSync(join(root, 'test/fixtures/sampling/repeat_factors_lvis_val_100.json'), 'utf8')) as {
      image_ids: number[];
      sqrt: number[];
      nosqrt: number[];
    };
    expect(ds.images.map((im) => im.id)).toEqual(golden.image_ids);
    const sets = imageCategorySets(ds);
    const a = repeatFactors(sets, { threshold: 0.1 });
    const b = repeatFactors(sets, { threshold: 0.1, sqrt: false });
    for (let i = 0; i < a.length; i++) {
      expect(a[i]).toBeCloseTo(golden.sqrt[i]!, 12);
      expect(b[i]).toBeCloseTo(golden.nosqrt[i]!, 12);
    }
  });
});

describe('RepeatFactorSampler', () => {
  const factors = [0.3, 1, 2.5, 0, 1.75, 3];

  it('stochastic rounding: each epoch holds ⌊r⌋ or ⌈r⌉ copies, and the mean count → r', () => {
    const s = new RepeatFactorSampler({ factors }, { seed: 11 });
    const epochs = 4000;
    const sum = new Float64Array(factors.length);
    let sorted = 0;
    for (let e = 0; e < epochs; e++) {
      const ep = s.nextEpoch();
      const cnt = new Int32Array(factors.length);
      for (const i of ep) cnt[i]!++;
      for (let i = 0; i < factors.length; i++) {
        expect(cnt[i]).toBeGreaterThanOrEqual(Math.floor(factors[i]!));
        expect(cnt[i]).toBeLessThanOrEqual(Math.ceil(factors[i]!));
        sum[i]! += cnt[i]!;
      }
      if (ep.every((v, k) => k === 0 || ep[k - 1]! <= v)) sorted++;
    }
    for (let i = 0; i < factors.length; i++) {
      // std of the mean ≤ 0.5/√4000 ≈ 0.008
      expect(Math.abs(sum[i]! / epochs - factors[i]!)).toBeLessThan(0.035);
    }
    expect(sorted).toBeLessThan(epochs / 10); // epochs are shuffled
  });

  it('is deterministic per seed and differs across seeds', () => {
    const a = new RepeatFactorSampler({ imageCategories: IMAGES }, { threshold: 0.5, seed: 5 }).take(200);
    const b = new RepeatFactorSampler({ imageCategories: IMAGES }, { threshold: 0.5, seed: 5 }).take(200);
    const c = new RepeatFactorSampler({ imageCategories: IMAGES }, { threshold: 0.5, seed: 6 }).take(200);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });

  it('resumes exactly from a saved state (mid-epoch, after a factor change, through JSON)', () => {
    const s = new RepeatFactorSampler({ factors }, { seed: 3 });
    s.take(13);
    s.setRepeatFactors([2, 0.5, 0.5, 1, 1, 0.25]);
    s.take(5);
    const state = JSON.parse(JSON.stringify(s.getState()));
    const expected = s.take(300);
    const r = new RepeatFactorSampler({ factors }, { seed: 999 });
    r.setState(state);
    expect(Array.from(r.take(300))).toEqual(Array.from(expected));
    expect(Array.from(r.repeatFactors())).toEqual([2, 0.5, 0.5, 1, 1, 0.25]);
  });

  it('a factor change starts a new epoch drawn with the new factors', () => {
    const s = new RepeatFactorSampler({ factors: [1, 1, 1, 1] }, { seed: 1 });
    s.take(2);
    const e0 = s.epoch;
    s.setRepeatFactors([0, 0, 3, 0]);
    expect(Array.from(s.nextEpoch())).toEqual([2, 2, 2]);
    expect(s.epoch).toBe(e0 + 2);
  });
});
