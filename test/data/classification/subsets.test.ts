import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  carveValidation,
  classCounts,
  longTailedCounts,
  longTailedSubset,
  readSubsetList,
  subsetOf,
  writeSubsetList,
  type ImageClassificationSet,
} from '../../../src/data/classification/index.js';
import { inputErrorOf } from '../../helpers/inputErrors.js';

const dir = mkdtempSync(join(tmpdir(), 'balms-cls-subsets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A 1×1 grey set with `perClass` images of each of `numClasses` classes, interleaved (label = i mod C); pixel = i mod 256. */
function balancedSet(numClasses: number, perClass: number): ImageClassificationSet {
  const n = numClasses * perClass;
  return {
    classNames: Array.from({ length: numClasses }, (_, c) => `c${c}`),
    height: 1,
    width: 1,
    channels: 1,
    pixels: Uint8Array.from({ length: n }, (_, i) => i & 255),
    labels: Int32Array.from({ length: n }, (_, i) => i % numClasses),
    sources: Array.from({ length: n }, (_, i) => `img${i}.png`),
  };
}

describe('subsetOf and classCounts', () => {
  it('copies the chosen images, labels and sources in the given order', () => {
    const set = { ...balancedSet(2, 3), height: 1, width: 2, pixels: Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]) };
    const sub = subsetOf(set, Int32Array.from([4, 1, 1]));
    expect(Array.from(sub.pixels)).toEqual([8, 9, 2, 3, 2, 3]);
    expect(Array.from(sub.labels)).toEqual([0, 1, 1]);
    expect(sub.sources).toEqual(['img4.png', 'img1.png', 'img1.png']);
    expect(() => subsetOf(set, Int32Array.from([6]))).toThrow(/index 6 \(at 0\) is outside 0…5/);
  });

  it('counts labels per class and rejects labels out of range', () => {
    expect(Array.from(classCounts(Int32Array.from([2, 0, 2, 2]), 4))).toEqual([1, 0, 3, 0]);
    expect(inputErrorOf(() => classCounts(Int32Array.from([4]), 4)).message).toMatch(/label 4/);
  });
});

describe('longTailedCounts', () => {
  it('matches the official CIFAR-10-LT profile at IF 100 (sum 12,406)', () => {
    const c = longTailedCounts(5000, 10, 100);
    expect(Array.from(c)).toEqual([5000, 2997, 1796, 1077, 645, 387, 232, 139, 83, 50]);
    expect(c.reduce((a, b) => a + b, 0)).toBe(12406);
  });

  it('ends at n_max / IF and is flat at IF 1; an empty tail class is an error', () => {
    expect(longTailedCounts(5000, 10, 200)[9]).toBe(25);
    expect(longTailedCounts(500, 100, 100)[99]).toBe(5);
    expect(Array.from(longTailedCounts(7, 3, 1))).toEqual([7, 7, 7]);
    expect(inputErrorOf(() => longTailedCounts(50, 10, 100)).message).toMatch(/leaves class 9 no images/);
  });
});

describe('longTailedSubset and carveValidation', () => {
  const set = balancedSet(4, 40);

  it('keeps the profile count of each class, drawn reproducibly from the seed', () => {
    const a = longTailedSubset(set, { imbalanceFactor: 10, seed: 3 });
    expect(Array.from(classCounts(Int32Array.from(a, (i) => set.labels[i]!), 4))).toEqual(Array.from(longTailedCounts(40, 4, 10)));
    expect(Array.from(a)).toEqual([...a].sort((x, y) => x - y));
    expect(longTailedSubset(set, { imbalanceFactor: 10, seed: 3 })).toEqual(a);
    expect(longTailedSubset(set, { imbalanceFactor: 10, seed: 4 })).not.toEqual(a);
  });

  it('draws from the train part of a carved val split, with n_max = per-class count − perClass', () => {
    const { train, val } = carveValidation(set, { perClass: 5, seed: 1 });
    expect(Array.from(classCounts(Int32Array.from(val, (i) => set.labels[i]!), 4))).toEqual([5, 5, 5, 5]);
    expect(train.length + val.length).toBe(160);
    expect(new Set([...train, ...val]).size).toBe(160);
    const lt = longTailedSubset(set, { imbalanceFactor: 5, seed: 2, from: train });
    const valSet = new Set(val);
    expect([...lt].some((i) => valSet.has(i))).toBe(false);
    expect(Array.from(classCounts(Int32Array.from(lt, (i) => set.labels[i]!), 4))).toEqual(Array.from(longTailedCounts(35, 4, 5)));
    expect(carveValidation(set, { perClass: 5, seed: 1 })).toEqual({ train, val });
  });

  it('rejects a profile a class cannot fill and a carve that leaves a class empty', () => {
    expect(inputErrorOf(() => longTailedSubset(set, { imbalanceFactor: 10, seed: 0, nMax: 41 })).message).toMatch(/class 0 \(c0\) has 40 images, fewer than the 41/);
    expect(inputErrorOf(() => carveValidation(set, { perClass: 40, seed: 0 })).message).toMatch(/would leave none to train on/);
  });
});

describe('subset lists', () => {
  const set = balancedSet(3, 4);
  const indices = Int32Array.from([7, 0, 11, 3]);

  it('round-trips as text and as JSON, in list order', () => {
    for (const name of ['list.txt', 'list.json']) {
      const p = join(dir, name);
      writeSubsetList(p, set, indices);
      expect(readSubsetList(p, set)).toEqual(indices);
    }
    expect(readFileSync(join(dir, 'list.txt'), 'utf8')).toBe('# balms image subset: 4 images; per class c0=2 c1=1 c2=1\nimg7.png\nimg0.png\nimg11.png\nimg3.png\n');
    expect(JSON.parse(readFileSync(join(dir, 'list.json'), 'utf8'))).toMatchObject({ format: 'balms-image-subset', counts: [2, 1, 1] });
  });

  it("reads a user's list (plain JSON array, or lines with comments) and names a bad line", () => {
    const p = join(dir, 'user.txt');
    writeFileSync(p, '# mine\n\nimg2.png\r\n  img5.png  \n');
    expect(Array.from(readSubsetList(p, set))).toEqual([2, 5]);
    writeFileSync(p, '["img1.png"]');
    expect(Array.from(readSubsetList(p, set))).toEqual([1]);
    writeFileSync(p, 'img1.png\nimg99.png\n');
    const e = inputErrorOf(() => readSubsetList(p, set));
    expect(e.message).toBe(`${p}: line 2: "img99.png" is not an image of the data set (e.g. img0.png)`);
    writeFileSync(p, '["img1.png",');
    expect(inputErrorOf(() => readSubsetList(p, set)).file).toBe(p);
    writeFileSync(p, 'img1.png\nimg1.png\n');
    expect(inputErrorOf(() => readSubsetList(p, set)).message).toMatch(/line 2: "img1.png" is listed twice/);
  });
});
