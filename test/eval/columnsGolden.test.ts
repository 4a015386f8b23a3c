import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LvisIndex, scanResultColumns } from '../../src/coco/index.js';
import { evaluateCoco, evaluateLvis } from '../../src/eval/index.js';
import { FIXTURES, HAVE_SHARED, listGoldens, loadGt, loadResults, type Golden } from './goldenFixtures.js';

/**
 * Evaluation over columns scanned from the file's bytes (what `balms eval` does) against the same
 * results parsed into objects: identical arrays, and the golden's metrics to the last bit.
 */
function check(g: Golden): void {
  const gt = loadGt(g.gt);
  const bytes = readFileSync(join(FIXTURES, g.results));
  const cols = scanResultColumns(bytes, new LvisIndex(gt), { allowUnknownCategories: true });
  expect(cols, `${g.results} is scanned (not left to the general path)`).not.toBeNull();
  const opts = { iouType: g.iouType, segmAreaFromBbox: g.segmAreaFromBbox ?? undefined };
  const run = g.mode === 'lvis' ? (r: Parameters<typeof evaluateLvis>[1]) => evaluateLvis(gt, r, opts) : (r: Parameters<typeof evaluateCoco>[1]) => evaluateCoco(gt, r, opts);
  const fromCols = run(cols!);
  const fromObjects = run(loadResults(g.results));
  expect(Buffer.from(fromCols.precision.data.buffer).equals(Buffer.from(fromObjects.precision.data.buffer))).toBe(true);
  expect(Buffer.from(fromCols.recall.data.buffer).equals(Buffer.from(fromObjects.recall.data.buffer))).toBe(true);
  const stats = Object.values(fromCols.stats as unknown as Record<string, number>);
  const want = g.stats ? Object.values(g.stats) : g.statsArray!;
  expect(stats, g.name).toEqual(want); // toEqual on numbers is Object.is: the last bit
}

const goldens = listGoldens();

describe('evaluation over scanned columns equals the object path and the goldens exactly', () => {
  for (const g of goldens.filter((x) => x.gt !== 'shared')) it(g.name, () => check(g));
  describe.skipIf(!HAVE_SHARED)('shared lvis_val_100.json (skipped when ../shared is absent)', () => {
    for (const g of goldens.filter((x) => x.gt === 'shared')) it(g.name, () => check(g));
  });
});
