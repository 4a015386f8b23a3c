import { describe, expect, it } from 'vitest';
import { evaluateLvis } from '../../src/eval/index.js';
import { HAVE_SHARED, listGoldens, loadArrays, loadGt, loadResults, maxAbsDiff, type Golden } from './goldenFixtures.js';

const TOL = 1e-12;

function check(g: Golden): void {
  const res = evaluateLvis(loadGt(g.gt), loadResults(g.results), {
    iouType: g.iouType,
    segmAreaFromBbox: g.segmAreaFromBbox ?? undefined,
  });
  const stats = res.stats as unknown as Record<string, number>;
  expect(Object.keys(stats)).toEqual(Object.keys(g.stats!));
  for (const [k, v] of Object.entries(g.stats!)) {
    expect(Math.abs(stats[k] - v), `${g.name} ${k}: balms ${stats[k]} vs lvis-api ${v}`).toBeLessThanOrEqual(TOL);
  }
  expect(res.precision.shape).toEqual(g.precisionShape);
  expect(res.recall.shape).toEqual(g.recallShape);
  const arr = loadArrays(g.name);
  const P = res.precision.data, Rc = res.recall.data;
  if (g.arrays === 'full') {
    expect(maxAbsDiff(P, arr.subarray(0, P.length))).toBeLessThanOrEqual(TOL);
    expect(maxAbsDiff(Rc, arr.subarray(P.length))).toBeLessThanOrEqual(TOL);
    // per-category AP = mean of lvis-api's precision[:, :, k, all] over entries > -1 (detectron2's per-category table)
    const [T, R, K, A] = g.precisionShape;
    for (let k = 0; k < K; k++) {
      let sum = 0, n = 0;
      for (let tr = 0; tr < T * R; tr++) {
        const v = arr[(tr * K + k) * A];
        if (v > -1) { sum += v; n++; }
      }
      const want = n ? sum / n : -1;
      expect(Math.abs(res.perCategory[k].AP - want), `${g.name} category ${res.perCategory[k].id}`).toBeLessThanOrEqual(1e-12);
    }
  } else {
    const [T, R, K, A] = g.precisionShape;
    const sums = new Float64Array(T * K * A);
    for (let t = 0; t < T; t++)
      for (let r = 0; r < R; r++)
        for (let ka = 0; ka < K * A; ka++) sums[t * K * A + ka] += P[(t * R + r) * K * A + ka];
    const slice = new Float64Array(R * K);
    for (let r = 0; r < R; r++) for (let k = 0; k < K; k++) slice[r * K + k] = P[(r * K + k) * A];
    let o = 0;
    const gSums = arr.subarray(o, (o += T * K * A));
    const gSlice = arr.subarray(o, (o += R * K));
    const gRecall = arr.subarray(o);
    // sums of 101 entries: -1 rows sum to -101 exactly
    let m = 0;
    for (let i = 0; i < sums.length; i++) m = Math.max(m, Math.abs(sums[i] - gSums[i]));
    expect(m).toBeLessThanOrEqual(1e-10);
    expect(maxAbsDiff(slice, gSlice)).toBeLessThanOrEqual(TOL);
    expect(maxAbsDiff(Rc, gRecall)).toBeLessThanOrEqual(TOL);
  }
}

const goldens = listGoldens().filter((g) => g.mode === 'lvis');

describe('evaluateLvis equals lvis-api 0.5.3 (repo-own synthetic GT)', () => {
  for (const g of goldens.filter((x) => x.gt !== 'shared')) it(g.name, () => check(g));
});

describe.skipIf(!HAVE_SHARED)('evaluateLvis equals lvis-api 0.5.3 (shared lvis_val_100.json)', () => {
  for (const g of goldens.filter((x) => x.gt === 'shared')) it(g.name, () => check(g));
});
