import { describe, expect, it } from 'vitest';
import { IOU_THRESHOLDS, RECALL_THRESHOLDS } from '../../src/eval/index.js';
import { countingSortBy, stableSortByKeyDesc } from '../../src/eval/indexSort.js';
import { linspace, meanOfDefined, numpySum } from '../../src/eval/numpyMath.js';
import { summarizePrecisionMany, summarizeSelection, type Selection } from '../../src/eval/summarize.js';
import { radixSortByKeyDesc } from '../../src/eval/radixSort.js';
import { boxIouInto } from '../../src/eval/computeIou.js';
import { Rng } from '../../src/util/rng.js';

describe('numpy-exact numerics', () => {
  it('thresholds are the doubles numpy linspace produces', () => {
    expect(Array.from(IOU_THRESHOLDS)).toEqual([0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.8999999999999999, 0.95]);
    expect(RECALL_THRESHOLDS.length).toBe(101);
    expect(RECALL_THRESHOLDS[100]).toBe(1);
    // linspace(0, 1, 101)[i] = i*0.01, which differs from i/100 exactly here (numpy 1.23, checked)
    const differ = [];
    for (let i = 0; i < 101; i++) if (RECALL_THRESHOLDS[i] !== i / 100) differ.push(i);
    expect(differ).toEqual([35, 41, 47, 57, 69, 70, 82, 83, 94, 95]);
    expect(Array.from(linspace(2, 3, 1))).toEqual([2]);
  });

  it('np.sum: 8192-element blocks of pairwise sums (values from numpy 1.23.5)', () => {
    const a = new Float64Array(20000);
    for (let i = 0; i < a.length; i++) a[i] = 1 / (i + 1);
    expect(numpySum(a, a.length)).toBe(10.480728217229329);
    let naive = 0;
    for (const v of a) naive += v;
    expect(naive).toBe(10.48072821722932); // the order matters: a plain loop differs in the last bits
    expect(meanOfDefined(a.slice(), a.length)).toBe(0.0005240364108614665);
    const b = new Float64Array(100000);
    for (let i = 0; i < b.length; i++) b[i] = ((i * 7919) % 1000) / 997 - 0.4;
    expect(numpySum(b, b.length)).toBe(10100.300902708123);
    let naiveB = 0;
    for (const v of b) naiveB += v;
    expect(naiveB).toBe(10100.300902708183);
    expect(meanOfDefined(new Float64Array([-1, -1]), 2)).toBe(-1);
    expect(meanOfDefined(new Float64Array([-1, 0.5, 0]), 3)).toBe(0.25);
  });
});

describe('index sorts', () => {
  function reference(idx: number[], key: Float64Array): number[] {
    return idx.slice().sort((x, y) => (key[y] === key[x] ? 0 : key[y] > key[x] ? 1 : -1)); // V8 sort is stable
  }

  it('radix and merge sorts give numpy mergesort order of -key (ties keep input order, -0 == 0)', () => {
    const rng = new Rng(5);
    for (const n of [0, 1, 2, 17, 300, 5000]) {
      const key = new Float64Array(n);
      const pool = [0, -0, 1, -1, 0.5, 1e-300, -1e-300, Infinity, -Infinity, 0.30000000000000004, 0.3];
      for (let i = 0; i < n; i++) key[i] = rng.next() < 0.5 ? pool[rng.int(pool.length)] : Math.round(rng.next() * 100) / 100 - 0.3;
      const idx: number[] = [];
      for (let i = 0; i < n; i++) idx.push((i * 7919) % Math.max(n, 1)); // a permutation when gcd = 1, else with repeats
      const want = reference(idx, key);
      expect(Array.from(radixSortByKeyDesc(Uint32Array.from(idx), key))).toEqual(want);
      expect(Array.from(stableSortByKeyDesc(Uint32Array.from(idx), key))).toEqual(want);
    }
  });

  it('counting sort is stable and reports bucket starts', () => {
    const bucket = new Int32Array([2, 0, 1, 0, 2, 1]);
    const starts = new Uint32Array(4);
    expect(Array.from(countingSortBy(Uint32Array.from([5, 4, 3, 2, 1, 0]), bucket, 3, undefined, starts))).toEqual([3, 1, 5, 2, 4, 0]);
    expect(Array.from(starts)).toEqual([0, 2, 4, 6]);
  });
});

describe('box IoU (pycocotools bbIou)', () => {
  it('matches the maskApi.c test vectors', () => {
    const out = new Float64Array(1);
    boxIouInto(new Float64Array([0, 0, 4, 4]), 0, 1, new Float64Array([2, 2, 4, 4]), 0, 1, new Uint8Array([0]), out);
    expect(out[0]).toBe(0.14285714285714285);
    boxIouInto(new Float64Array([0, 0, 4, 4]), 0, 1, new Float64Array([2, 2, 4, 4]), 0, 1, new Uint8Array([1]), out);
    expect(out[0]).toBe(0.25);
    boxIouInto(new Float64Array([0, 0, 4, 4]), 0, 1, new Float64Array([4, 0, 4, 4]), 0, 1, new Uint8Array([0]), out);
    expect(out[0]).toBe(0); // touching boxes: no +1
  });
});

describe('summaries', () => {
  it('one-pass summarizePrecisionMany equals summarizeSelection bit for bit (several 8192-value blocks)', () => {
    const rng = new Rng(5);
    const T = 10, R = 101, K = 97, A = 4;
    const data = new Float64Array(T * R * K * A);
    for (let k = 0; k < K; k++) {
      for (let a = 0; a < A; a++) {
        const undef = rng.next() < 0.2; // whole (k, a) cells undefined, as the evaluators leave them
        for (let t = 0; t < T; t++) for (let r = 0; r < R; r++) data[((t * R + r) * K + k) * A + a] = undef ? -1 : rng.next() ** 3;
      }
    }
    const arr = { data, shape: [T, R, K, A] };
    const sels: Selection[] = [
      { a: 0 }, { a: 1 }, { a: 3 }, { a: 0, t: [0] }, { a: 0, t: [5] },
      { a: 0, k: [0, 3, 4, 50, 96] }, { a: 2, k: [] }, { a: 0, t: [2, 7], k: [1, 2, 90] },
    ];
    const many = summarizePrecisionMany(arr, sels);
    const one = sels.map((s) => summarizeSelection(arr, true, s));
    expect(many).toEqual(one);
    expect(many[6]).toBe(-1);
    expect(T * R * K * 0.8).toBeGreaterThan(3 * 8192); // the full selections span several blocks
  });
});
