import { describe, expect, it } from 'vitest';
import { evaluateCoco } from '../../src/eval/index.js';
import { listGoldens, loadArrays, loadGt, loadResults, maxAbsDiff } from './goldenFixtures.js';

describe('evaluateCoco equals pycocotools COCOeval (synthetic GT with iscrowd)', () => {
  for (const g of listGoldens().filter((x) => x.mode === 'coco')) {
    it(g.name, () => {
      const r = evaluateCoco(loadGt(g.gt), loadResults(g.results), { iouType: g.iouType });
      expect(r.statsArray.length).toBe(12);
      r.statsArray.forEach((v, i) => expect(Math.abs(v - g.statsArray![i]), `stats[${i}]`).toBeLessThanOrEqual(1e-12));
      expect(r.precision.shape).toEqual(g.precisionShape);
      expect(r.recall.shape).toEqual(g.recallShape);
      const arr = loadArrays(g.name);
      expect(maxAbsDiff(r.precision.data, arr.subarray(0, r.precision.data.length))).toBeLessThanOrEqual(1e-12);
      expect(maxAbsDiff(r.recall.data, arr.subarray(r.precision.data.length))).toBeLessThanOrEqual(1e-12);
      expect(Object.keys(r.stats)).toEqual(['AP', 'AP50', 'AP75', 'APs', 'APm', 'APl', 'AR@1', 'AR@10', 'AR@100', 'ARs@100', 'ARm@100', 'ARl@100']);
    });
  }
});
