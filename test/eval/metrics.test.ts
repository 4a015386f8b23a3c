/**
 * Fixed AP, Pooled AP, Boundary AP and category / image restriction against the goldens of
 * scripts/fixtures/make_eval_metric_fixtures.py (lvis-api 0.5.3 / pycocotools with the paper
 * pre-filter, a pooled accumulate written from Dave et al. 2021, cv2 boundaries as the
 * boundary-iou-api), plus the boundaries of single masks.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluateCoco, evaluateLvis, maskBoundary, boundaryDilation, BoundaryScratch, type IouType } from '../../src/eval/index.js';
import { rleFromString, rleToString } from '../../src/coco/mask/index.js';
import { FIXTURES, HAVE_SHARED, loadGt, loadResults } from './goldenFixtures.js';

const DIR = FIXTURES + 'metrics/';

interface MetricGolden {
  name: string;
  mode: 'lvis' | 'coco';
  /** 'shared': ../shared/lvis/lvis_val_100.json, skipped when absent. */
  gt: 'synth' | 'synth_coco' | 'shared';
  results: string;
  iouType: IouType;
  options: { detsPerCategory?: number | null; dilationRatio?: number | null; catIds?: number[] | null; imgIds?: number[] | null; segmAreaFromBbox?: boolean | null };
  stats?: Record<string, number>;
  statsArray?: number[];
  perCategoryAP?: number[];
  pooled?: Record<string, number>;
}

const goldens: MetricGolden[] = readdirSync(DIR)
  .filter((f) => f.endsWith('.golden.json'))
  .sort()
  .map((f) => ({ name: f.replace('.golden.json', ''), ...(JSON.parse(readFileSync(DIR + f, 'utf8')) as Omit<MetricGolden, 'name'>) }));

const opt = <T>(v: T | null | undefined): T | undefined => (v === null ? undefined : v);

function expectClose(got: number, want: number, what: string): void {
  expect(Math.abs(got - want), `${what}: got ${got}, want ${want}`).toBeLessThanOrEqual(1e-12);
}

describe('metrics beyond the standard run equal their references', () => {
  it('has the goldens', () => expect(goldens.length).toBeGreaterThanOrEqual(15));
  for (const g of goldens) {
    it.skipIf(g.gt === 'shared' && !HAVE_SHARED)(g.name, () => {
      const o = g.options;
      const common = {
        iouType: g.iouType,
        dilationRatio: opt(o.dilationRatio),
        catIds: opt(o.catIds),
        imgIds: opt(o.imgIds),
        segmAreaFromBbox: opt(o.segmAreaFromBbox),
      };
      if (g.mode === 'coco') {
        const r = evaluateCoco(loadGt('synth_coco'), loadResults(g.results), common);
        r.statsArray.forEach((v, i) => expectClose(v, g.statsArray![i], `stats[${i}]`));
        return;
      }
      const r = evaluateLvis(loadGt(g.gt as 'synth' | 'shared'), loadResults(g.results), { ...common, detsPerCategory: opt(o.detsPerCategory), pooled: !!g.pooled });
      const stats = r.stats as unknown as Record<string, number>;
      for (const [k, v] of Object.entries(g.stats!)) {
        // lvis-api labels AR with params.max_dets; balms with the cap ('all' when none).
        const key = k.replace(/@-1$/, '@all');
        expect(stats[key], key).toBeDefined();
        expectClose(stats[key], v, key);
      }
      expect(r.perCategory.length).toBe(g.perCategoryAP!.length);
      r.perCategory.forEach((c, k) => expectClose(c.AP, g.perCategoryAP![k], `AP of category ${c.id}`));
      if (g.pooled) for (const [k, v] of Object.entries(g.pooled)) expectClose(r.pooled![k as keyof typeof r.pooled], v, k);
    });
  }
});

describe('mask boundaries equal cv2 erosion (boundary-iou-api mask_to_boundary)', () => {
  const cases = JSON.parse(readFileSync(DIR + 'boundary_masks.json', 'utf8')) as { label: string; h: number; w: number; ratio: number; mask: string; boundary: string }[];
  it('has the cases', () => expect(cases.length).toBeGreaterThan(30));
  const scratch = new BoundaryScratch();
  for (const c of cases) {
    it(`${c.label} (ratio ${c.ratio})`, () => {
      const b = maskBoundary(rleFromString(c.mask, c.h, c.w), boundaryDilation(c.h, c.w, c.ratio), scratch);
      expect(rleToString(b)).toBe(c.boundary);
    });
  }
});

describe('identities', () => {
  const gt = loadGt('synth');
  const apKeys = (s: object) => Object.fromEntries(Object.entries(s).filter(([k]) => k.startsWith('AP')));

  it('Fixed AP equals standard AP when neither the per-category nor the per-image cap binds', () => {
    const all = loadResults('synth_masks_only.results.json');
    const perImg = new Map<number, number>();
    for (const r of all) perImg.set(r.image_id, (perImg.get(r.image_id) ?? 0) + 1);
    const res = all.filter((r) => perImg.get(r.image_id)! <= 300); // the fixture has an image past the cap
    expect(res.length).toBeGreaterThan(100);
    for (const iouType of ['bbox', 'segm'] as const) {
      const fixed = evaluateLvis(gt, res, { iouType, detsPerCategory: 10000 });
      expect(fixed.categoriesBelowK!.length).toBe(gt.categories.length);
      expect(apKeys(fixed.stats)).toEqual(apKeys(evaluateLvis(gt, res, { iouType }).stats));
    }
  });

  it('Fixed AP equals no-cap AP on results cut to the top K per category beforehand', () => {
    const res = loadResults('synth_ties.results.json');
    const K = 4;
    const byCat = new Map<number, typeof res>();
    for (const r of res) byCat.set(r.category_id, [...(byCat.get(r.category_id) ?? []), r]);
    const cut = [...byCat.values()].flatMap((l) => l.map((r, i) => ({ r, i })).sort((a, b) => b.r.score - a.r.score || a.i - b.i).slice(0, K).map((x) => x.r));
    expect(evaluateLvis(gt, res, { iouType: 'bbox', detsPerCategory: K }).stats).toEqual(evaluateLvis(gt, cut, { iouType: 'bbox', maxDets: -1 }).stats);
  });

  it('Pooled AP of a one-category pool is that category\'s AP', () => {
    const res = loadResults('synth_boxes_masks.results.json');
    const full = evaluateLvis(gt, res, { iouType: 'segm', detsPerCategory: 10000 });
    let checked = 0;
    for (const c of full.perCategory) {
      const one = evaluateLvis(gt, res, { iouType: 'segm', detsPerCategory: 10000, pooled: true, catIds: [c.id] });
      expect(one.pooled!['AP-pooled-all']).toBe(c.AP);
      expect(one.perCategory[0].AP).toBe(c.AP); // restricting categories leaves each category's AP alone
      if (c.AP > 0) checked++;
    }
    expect(checked).toBeGreaterThan(3);
  });

  it('Boundary AP equals segm AP when the boundary covers every mask (huge dilation)', () => {
    const res = loadResults('synth_boxes_masks.results.json');
    expect(evaluateLvis(gt, res, { iouType: 'boundary', dilationRatio: 1 }).stats).toEqual(evaluateLvis(gt, res, { iouType: 'segm' }).stats);
    expect(evaluateLvis(gt, res, { iouType: 'boundary' }).stats.AP).toBeLessThan(evaluateLvis(gt, res, { iouType: 'segm' }).stats.AP);
  });

  it('restricting to every category and image changes nothing', () => {
    const res = loadResults('synth_ties.results.json');
    const all = { catIds: gt.categories.map((c) => c.id), imgIds: gt.images.map((i) => i.id) };
    expect(evaluateLvis(gt, res, { iouType: 'bbox', ...all }).stats).toEqual(evaluateLvis(gt, res, { iouType: 'bbox' }).stats);
  });

  it('rejects what would be ignored', () => {
    const res = loadResults('synth_ties.results.json');
    expect(() => evaluateLvis(gt, res, { iouType: 'bbox', detsPerCategory: 5, maxDets: 300 })).toThrow(/per-image cap/);
    expect(() => evaluateLvis(gt, res, { iouType: 'bbox', dilationRatio: 0.02 })).toThrow(/boundary IoU type only/);
    expect(() => evaluateLvis(gt, res, { iouType: 'bbox', catIds: [424242] })).toThrow(/not in the ground truth/);
  });
});
