/**
 * Evaluating a results file with balms's LVIS evaluator (lvis-api's numbers, AP by frequency
 * bucket), as `balms eval --gt GT --results RESULTS` does, from code.
 *
 *   npx tsx examples/evaluateResultsFile.ts [gt.json results.json]
 *
 * Without arguments it writes a tiny ground truth and a results file (two images, three
 * categories, boxes and RLE masks as any detector would produce) to a temporary folder first.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluateLvis, formatLvisStats, frBbox, loadLvisDataset, loadResults, LvisIndex, rleToJson, writeJsonFileAtomic, type DetectionResult, type LvisDataset } from 'balms';

let [gtFile, resultsFile] = process.argv.slice(2);
if (!gtFile || !resultsFile) {
  const dir = mkdtempSync(join(tmpdir(), 'balms-eval-example-'));
  const gt: LvisDataset = {
    images: [
      { id: 1, height: 100, width: 120, neg_category_ids: [], not_exhaustive_category_ids: [] },
      { id: 2, height: 100, width: 120, neg_category_ids: [2], not_exhaustive_category_ids: [] }, // verified: no kettle here
    ],
    categories: [
      { id: 1, name: 'cup', frequency: 'f' },
      { id: 2, name: 'kettle', frequency: 'c' },
      { id: 3, name: 'samovar', frequency: 'r' },
    ],
    annotations: [
      { id: 1, image_id: 1, category_id: 1, bbox: [10, 10, 30, 40], area: 1200, segmentation: [[10, 10, 40, 10, 40, 50, 10, 50]] },
      { id: 2, image_id: 1, category_id: 2, bbox: [60, 20, 40, 50], area: 2000, segmentation: [[60, 20, 100, 20, 100, 70, 60, 70]] },
      { id: 3, image_id: 2, category_id: 3, bbox: [20, 30, 50, 40], area: 2000, segmentation: [[20, 30, 70, 30, 70, 70, 20, 70]] },
      { id: 4, image_id: 2, category_id: 1, bbox: [80, 60, 20, 20], area: 400, segmentation: [[80, 60, 100, 60, 100, 80, 80, 80]] },
    ],
  };
  const det = (image_id: number, category_id: number, score: number, bbox: [number, number, number, number]): DetectionResult => ({
    image_id, category_id, score, bbox, segmentation: rleToJson(frBbox(bbox, 100, 120)),
  });
  const results = [
    det(1, 1, 0.9, [11, 9, 30, 41]),
    det(1, 2, 0.8, [62, 22, 36, 46]),
    det(1, 3, 0.3, [60, 20, 40, 50]), // a false positive on an unverified category: LVIS ignores it
    det(2, 3, 0.7, [25, 30, 45, 40]),
    det(2, 1, 0.6, [40, 40, 20, 20]), // misplaced
  ];
  gtFile = join(dir, 'gt.json');
  resultsFile = join(dir, 'results.json');
  writeJsonFileAtomic(gtFile, gt as unknown as Record<string, unknown>);
  writeJsonFileAtomic(resultsFile, results);
}

const gt = new LvisIndex(await loadLvisDataset(gtFile)); // validated; errors name the record and key
const results = await loadResults(resultsFile, gt); // ids and RLE sizes checked against the ground truth
for (const iouType of ['bbox', 'segm'] as const) {
  const r = evaluateLvis(gt, results, { iouType });
  console.error(`${iouType}:\n${formatLvisStats(r)}`);
  console.log(JSON.stringify({ example: 'evaluateResultsFile', iouType, AP: r.stats.AP, AP50: r.stats.AP50, APr: r.stats.APr, APc: r.stats.APc, APf: r.stats.APf }));
}
