import { describe, expect, it } from 'vitest';
import { mean, pairedBootstrap, quantile, sampleStd } from '../../src/report/compareStatistics.js';
import { summarizeCompare, type CompareRun } from '../../src/report/compareSummary.js';
import type { CompareMetricSet, MetricValues } from '../../src/report/compareMetrics.js';
import { renderCompareReport } from '../../src/report/compareReport.js';

describe('compare statistics on hand-made numbers', () => {
  it('mean and sample standard deviation (n − 1)', () => {
    expect(mean([0.2, 0.3, 0.7])).toBeCloseTo(0.4, 15);
    // deviations −0.2, −0.1, 0.3 → squares 0.04 + 0.01 + 0.09 = 0.14; / 2 = 0.07
    expect(sampleStd([0.2, 0.3, 0.7])).toBeCloseTo(Math.sqrt(0.07), 15);
    expect(sampleStd([0.5])).toBe(0);
    expect(Number.isNaN(mean([]))).toBe(true);
  });

  it("quantile interpolates like numpy's default", () => {
    const xs = [1, 2, 3, 4];
    expect(quantile(xs, 0)).toBe(1);
    expect(quantile(xs, 1)).toBe(4);
    expect(quantile(xs, 0.5)).toBe(2.5); // np.quantile([1,2,3,4], .5)
    expect(quantile(xs, 0.25)).toBeCloseTo(1.75, 15); // np.quantile([1,2,3,4], .25)
  });

  it('a constant difference gives a zero-width interval at it; identical methods give [0, 0]', () => {
    const base = [[0.1, 0.5, 0.9], [0.2, 0.4, 0.6]];
    const plus = base.map((r) => r.map((v) => v + 0.05));
    const ci = pairedBootstrap(plus, base, { replicates: 500 });
    expect(ci.difference).toBeCloseTo(0.05, 12);
    expect(ci.low).toBeCloseTo(0.05, 12);
    expect(ci.high).toBeCloseTo(0.05, 12);
    const same = pairedBootstrap(base, base, { replicates: 200 });
    expect([same.difference, same.low, same.high]).toEqual([0, 0, 0]);
  });

  it('the interval matches the enumerable bootstrap distribution of a two-category case', () => {
    // One seed, differences {0, 1}: a replicate averages two draws → 0 (p ¼), ½ (p ½), 1 (p ¼).
    // The 2.5 % and 97.5 % quantiles of that distribution are 0 and 1; the observed mean ½.
    const ci = pairedBootstrap([[1, 1]], [[1, 0]], { replicates: 4000, seed: 3 });
    expect(ci.difference).toBe(0.5);
    expect(ci.low).toBe(0);
    expect(ci.high).toBe(1);
    // A 50 % interval: quantiles .25 and .75 of {0: ¼, ½: ½, 1: ¼} are both ½ (up to sampling noise at the edges).
    const narrow = pairedBootstrap([[1, 1]], [[1, 0]], { replicates: 4000, seed: 3, alpha: 0.5 });
    expect(narrow.low).toBeGreaterThanOrEqual(0);
    expect(narrow.high).toBeLessThanOrEqual(1);
    expect(narrow.low).toBeLessThanOrEqual(0.5);
    expect(narrow.high).toBeGreaterThanOrEqual(0.5);
  });

  it('is seeded (same inputs, same interval) and rejects mismatched shapes', () => {
    const a = [[0.3, 0.1, 0.8, 0.4]], b = [[0.2, 0.2, 0.5, 0.1]];
    expect(pairedBootstrap(a, b, { seed: 1 })).toEqual(pairedBootstrap(a, b, { seed: 1 }));
    expect(() => pairedBootstrap(a, [], {})).toThrow(/seeds/);
    expect(() => pairedBootstrap([[1, 2]], [[1]], {})).toThrow(/categories/);
  });
});

function stats(ap: number, apr: number): MetricValues {
  return { AP: ap, AP50: ap, AP75: ap, APs: -1, APm: ap, APl: -1, APr: apr, APc: ap, APf: ap, 'AR@300': ap, 'ARs@300': -1, 'ARm@300': ap, 'ARl@300': -1 };
}

function run(method: string, seed: number, ap: number, perCat: [number, 'r' | 'f', number][]): CompareRun {
  const perCategory = perCat.map(([id, frequency, v]) => ({ id, name: `c${id}`, frequency, trainImages: frequency === 'r' ? 3 : 200, bbox: v, segm: v }));
  const rare = perCat.filter((c) => c[1] === 'r').map((c) => c[2]);
  const s = stats(ap, mean(rare));
  return { method, seed, seconds: 10 + seed, backend: 'cpu', val: { bbox: s, segm: s, perCategory }, test: { bbox: s, segm: s, perCategory } };
}

describe('summarizeCompare', () => {
  it('means and stds over seeds per key, −1 kept as undefined, and a bootstrap vs the baseline on rare categories', () => {
    const base = [run('softmax_rfs', 0, 0.3, [[1, 'r', 0.1], [2, 'f', 0.5]]), run('softmax_rfs', 1, 0.4, [[1, 'r', 0.2], [2, 'f', 0.6]])];
    const m = [run('balms', 0, 0.35, [[1, 'r', 0.3], [2, 'f', 0.5]]), run('balms', 1, 0.45, [[1, 'r', 0.4], [2, 'f', 0.6]])];
    const s = summarizeCompare({
      preset: 'hand',
      baseline: 'softmax_rfs',
      seeds: 2,
      complete: true,
      methods: [
        { name: 'softmax_rfs', summary: '', config: 'x', from: null, runs: base },
        { name: 'balms', summary: '', config: 'y', from: 'softmax_rfs', runs: m },
      ],
    });
    const b = s.methods[1]!;
    expect(b.mean.segm!.AP).toBeCloseTo(0.4, 12);
    expect(b.std.segm!.AP).toBeCloseTo(Math.sqrt(0.005), 12); // (±0.05)² · 2 / 1
    expect(b.mean.segm!.APs).toBe(-1);
    expect(b.seconds).toBe(10.5);
    // rare category 1: +0.2 in both seeds → the interval is exactly [0.2, 0.2]
    expect(b.vsBaseline!['segm.APr']!.difference).toBeCloseTo(0.2, 12);
    expect(b.vsBaseline!['segm.APr']!.low).toBeCloseTo(0.2, 12);
    expect(b.vsBaseline!['segm.APr']!.high).toBeCloseTo(0.2, 12);
    // all categories: differences {0.2, 0} per seed → mean 0.1
    expect(b.vsBaseline!['segm.AP']!.difference).toBeCloseTo(0.1, 12);
    expect(s.methods[0]!.vsBaseline).toBeNull();
  });
});

/** A task with other metric names (the shape a classification task would plug in): one family, top-1 and shot buckets. */
const CLASSIFICATION_LIKE: CompareMetricSet = {
  task: 'classification',
  families: [{ key: 'cls', label: 'Top-1' }],
  columns: ['top1', 'many', 'medium', 'few', 'tail'],
  headline: 'top1',
  buckets: [
    { key: 'many', bucket: 'many' },
    { key: 'medium', bucket: 'medium' },
    { key: 'few', bucket: 'few' },
  ],
  bootstrap: ['top1', 'few'],
  focus: 'few',
  unit: 'accuracy',
};

function clsRun(method: string, seed: number, perClass: [number, 'many' | 'few', number][]): CompareRun {
  const perCategory = perClass.map(([id, frequency, v]) => ({ id, name: `k${id}`, frequency, trainImages: frequency === 'few' ? 5 : 500, cls: v }));
  const avg = (b: string | null) => mean(perClass.filter((c) => b === null || c[1] === b).map((c) => c[2]));
  const cls = { top1: avg(null), many: avg('many'), medium: -1, few: avg('few'), tail: avg('few') };
  return { method, seed, seconds: 1, backend: 'cpu', val: null, test: { cls, perCategory } };
}

describe('summarizeCompare with a task of its own metric names', () => {
  it('takes families, columns and bootstrap buckets from the metric set (nothing AP-specific)', () => {
    const s = summarizeCompare({
      metrics: CLASSIFICATION_LIKE,
      preset: 'hand',
      baseline: 'ce',
      seeds: 2,
      complete: true,
      methods: [
        { name: 'ce', summary: '', config: 'x', from: null, runs: [clsRun('ce', 0, [[1, 'many', 0.9], [2, 'few', 0.1], [3, 'few', 0.3]]), clsRun('ce', 1, [[1, 'many', 0.8], [2, 'few', 0.2], [3, 'few', 0.2]])] },
        { name: 'bsm', summary: '', config: 'y', from: null, runs: [clsRun('bsm', 0, [[1, 'many', 0.8], [2, 'few', 0.4], [3, 'few', 0.6]]), clsRun('bsm', 1, [[1, 'many', 0.7], [2, 'few', 0.5], [3, 'few', 0.5]])] },
      ],
    });
    expect(s.task).toBe('classification');
    const b = s.methods[1]!;
    // few: seed 0 (0.5 vs 0.2), seed 1 (0.5 vs 0.2) → mean 0.5 and std 0; difference +0.3 in every (seed, class) pair
    expect(b.mean['cls']!['few']).toBeCloseTo(0.5, 12);
    expect(b.std['cls']!['few']).toBeCloseTo(0, 12);
    expect(b.mean['cls']!['medium']).toBe(-1);
    expect(Object.keys(b.vsBaseline!)).toEqual(['cls.top1', 'cls.few']);
    expect(b.vsBaseline!['cls.few']!.low).toBeCloseTo(0.3, 12);
    expect(b.vsBaseline!['cls.few']!.high).toBeCloseTo(0.3, 12);
    // top1 over all classes: per seed differences {−0.1, +0.3, +0.3} → mean 1/6
    expect(b.vsBaseline!['cls.top1']!.difference).toBeCloseTo(0.5 / 3, 12);
    expect(b.runs[0]!['cls']).toEqual(clsRun('bsm', 0, [[1, 'many', 0.8], [2, 'few', 0.4], [3, 'few', 0.6]]).test['cls']);
    const html = renderCompareReport(s);
    expect(html).toContain('<th>few</th>');
    expect(html).toContain('Δfew vs ce');
    expect(html).not.toContain('APr');
  });
});
