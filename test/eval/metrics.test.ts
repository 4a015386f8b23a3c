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
import { FIXTURES, loadGt, loadResults } from './goldenFixtures.js';

const DIR = FIXTURES + 'metrics/';

interface MetricGolden {
  name: string;
  mode: 'lvis' | 'coco';
  gt: 'synth' | 'synth_coco';
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
    it(g.name, () => {
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
      const r = evaluateLvis(loadGt('synth'), loadResults(g.results), { ...common, detsPerCategory: opt(o.detsPerCategory), pooled: !!g.pooled });
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
