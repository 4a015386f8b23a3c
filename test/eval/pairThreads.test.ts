import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LvisIndex, scanResultColumns } from '../../src/coco/index.js';
import { evaluateCoco, evaluateLvis } from '../../src/eval/index.js';
import { splitPairs } from '../../src/eval/evaluateImage.js';
import { lastPairThreadsRun, pairThreads } from '../../src/eval/pairThreads.js';
import { prepareEvaluation } from '../../src/eval/prepare.js';
import { columnsFromObjects } from '../../src/coco/resultColumns.js';
import { FIXTURES, listGoldens, loadGt } from './goldenFixtures.js';

const bytesOf = (a: Float64Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe('pairThreads: the per-pair work over worker threads', () => {
  // The repo's largest synthetic goldens, LVIS and COCO, boxes and masks (boundary too).
  const goldens = listGoldens().filter((g) => g.gt !== 'shared' && g.results.startsWith('synth_boxes_masks'));

  it('gives byte-identical precision, recall and metrics for 1, 2 and 3 threads', () => {
    expect(goldens.length).toBeGreaterThan(0);
    let threaded = 0;
    for (const g of goldens) {
      const gt = loadGt(g.gt);
      const cols = scanResultColumns(readFileSync(join(FIXTURES, g.results)), new LvisIndex(gt), { allowUnknownCategories: true })!;
      for (const iouType of g.iouType === 'segm' ? (['segm', 'boundary'] as const) : (['bbox'] as const)) {
        const run = (threads: number) => {
          // Worker start-up is skipped below a minimum of work: force threads on this small case.
          const pairEvaluator = threads > 1 ? pairThreads(threads, 0) : undefined;
          const opts = { iouType, segmAreaFromBbox: g.segmAreaFromBbox ?? undefined, pairEvaluator };
          return g.mode === 'lvis' ? evaluateLvis(gt, cols, opts) : evaluateCoco(gt, cols, opts);
        };
        const one = run(1);
        for (const n of [2, 3]) {
          const r = run(n);
          // The workers did their ranges (none was redone on this thread).
          expect(lastPairThreadsRun).toEqual({ threads: n, redone: 0 });
          expect(bytesOf(r.precision.data).equals(bytesOf(one.precision.data)), `${g.name} ${iouType} ×${n}`).toBe(true);
          expect(bytesOf(r.recall.data).equals(bytesOf(one.recall.data)), `${g.name} ${iouType} ×${n}`).toBe(true);
          expect(r.stats).toEqual(one.stats);
          expect(r.perCategory).toEqual(one.perCategory);
          threaded++;
        }
      }
    }
    expect(threaded).toBeGreaterThan(4);
  }, 120_000);

  it('splits the pairs into contiguous ranges covering each pair once', () => {
    const g = goldens[0];
    const gt = loadGt(g.gt);
    const p = prepareEvaluation(gt, columnsFromObjects(JSON.parse(readFileSync(join(FIXTURES, g.results), 'utf8'))), { mode: 'lvis', iouType: 'bbox', maxDets: 300 });
    for (const n of [1, 2, 3, 7]) {
      const r = splitPairs(p, n);
      expect(r).toHaveLength(n);
      expect(r[0].q0).toBe(0);
      expect(r[n - 1].q1).toBe(p.numPairs);
      for (let i = 1; i < n; i++) expect(r[i].q0).toBe(r[i - 1].q1);
    }
  });
});
