import { describe, expect, it } from 'vitest';
import type { NdArray } from '../../src/eval/accumulate.js';
import { numpySum } from '../../src/eval/numpyMath.js';
import { perCategoryMeans, summarizePrecisionMany, type Selection } from '../../src/eval/summarize.js';
import { Rng } from '../../src/util/rng.js';

/**
 * The batched summaries against the definition, written out: `np.mean(s[s > -1])` of the
 * selection gathered in numpy's C order (t, r, k), summed by numpy's rule (`numpySum`), −1 when
 * empty — bit for bit. Arrays as accumulate leaves them: a (category, area, maxDets) cell is
 * written for every (t, r) or left −1 everywhere.
 */
function precisionArray(rng: Rng, T: number, R: number, K: number, A: number, M: number): NdArray {
  const data = new Float64Array(T * R * K * A * M);
  const defined = new Uint8Array(K * A * M).map(() => (rng.next() < 0.7 ? 1 : 0));
  for (let t = 0; t < T; t++) for (let r = 0; r < R; r++) for (let k = 0; k < K; k++) for (let c = 0; c < A * M; c++) {
    data[(((t * R + r) * K + k) * A * M) + c] = defined[k * A * M + c] ? (rng.next() < 0.2 ? 0 : rng.next()) : -1;
  }
  return { data, shape: M > 1 ? [T, R, K, A, M] : [T, R, K, A] };
}

function naiveMean(arr: NdArray, ts: number[], ks: number[], a: number, m: number): number {
  const [T, R, K, A] = arr.shape;
  const M = arr.shape[4] ?? 1;
  void T;
  const vals: number[] = [];
  for (const t of ts) for (let r = 0; r < R; r++) for (const k of ks) {
    const v = arr.data[(((t * R + r) * K + k) * A + a) * M + m];
    if (v > -1) vals.push(v);
  }
  return vals.length === 0 ? -1 : numpySum(vals, vals.length) / vals.length;
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe('summaries over the precision array', () => {
  it('summarizePrecisionMany gives each selection’s numpy mean bit for bit (LVIS-sized, past the 8192-value block)', () => {
    const rng = new Rng(5);
    const T = 10, R = 101, K = 300, A = 4;
    const P = precisionArray(rng, T, R, K, A, 1);
    const groups = [range(K).filter((k) => k % 3 === 0), range(K).filter((k) => k % 3 === 1), [7, 2, 250, 11]];
    const sels: Selection[] = [{ a: 0 }, { a: 0, t: [0] }, { a: 0, t: [5] }, { a: 1 }, { a: 2 }, { a: 3 }, { a: 0, k: groups[0] }, { a: 0, k: groups[1] }, { a: 0, k: groups[2] }, { a: 2, t: [9, 3], k: [] }];
    const got = summarizePrecisionMany(P, sels);
    sels.forEach((s, j) => expect(got[j], `selection ${j}`).toBe(naiveMean(P, s.t ?? range(T), s.k ?? range(K), s.a, 0)));
  });

  it('summarizePrecisionMany reads the maxDets axis of COCO arrays', () => {
    const rng = new Rng(6);
    const P = precisionArray(rng, 3, 11, 20, 2, 3);
    const sels: Selection[] = [{ a: 0, m: 2 }, { a: 1, m: 0 }, { a: 1, m: 2, t: [1] }];
    const got = summarizePrecisionMany(P, sels);
    sels.forEach((s, j) => expect(got[j]).toBe(naiveMean(P, s.t ?? range(3), range(20), s.a, s.m!)));
  });

  it('perCategoryMeans gives each category’s numpy mean bit for bit, for any set of thresholds', () => {
    const rng = new Rng(8);
    const T = 10, R = 101, K = 150, A = 4;
    const P = precisionArray(rng, T, R, K, A, 1);
    for (const ts of [undefined, [0], [5], [7, 2], []]) {
      const got = perCategoryMeans(P, true, 2, 0, ts);
      for (let k = 0; k < K; k++) expect(got[k]).toBe(naiveMean(P, ts ?? range(T), [k], 2, 0));
    }
  });
});
