import { describe, expect, it } from 'vitest';
import type { DetectionResult, LvisDataset, LvisImage } from '../../src/coco/types.js';
import { evaluateLvis } from '../../src/eval/index.js';

/** A tiny LVIS dataset: 64×64 images, categories 1..3 (r, c, f). */
function dataset(images: Partial<LvisImage>[], anns: [number, number, number, number[], number?][]): LvisDataset {
  return {
    images: images.map((im) => ({ height: 64, width: 64, neg_category_ids: [], not_exhaustive_category_ids: [], ...im }) as LvisImage),
    annotations: anns.map(([id, image_id, category_id, bbox, area]) => ({ id, image_id, category_id, bbox: bbox as [number, number, number, number], area: area ?? bbox[2] * bbox[3] })),
    categories: [
      { id: 1, name: 'a', frequency: 'r' },
      { id: 2, name: 'b', frequency: 'c' },
      { id: 3, name: 'c', frequency: 'f' },
    ],
  };
}
const det = (image_id: number, category_id: number, bbox: number[], score: number): DetectionResult => ({ image_id, category_id, bbox: bbox as [number, number, number, number], score });
const EPS = 2.220446049250313e-16;

describe('evaluateLvis: hand-computed cases', () => {
  it('equal IoU: the later GT wins, freeing the earlier one for the next detection', () => {
    // det1 has IoU 0.6 with both GT; det2 equals GT A. Later-wins: det1→B, det2→A (2 TP for t ≤ 0.6).
    const gt = dataset([{ id: 1 }], [[1, 1, 1, [0, 0, 10, 10]], [2, 1, 1, [5, 0, 10, 10]]]);
    const r = evaluateLvis(gt, [det(1, 1, [2.5, 0, 10, 10], 0.9), det(1, 1, [0, 0, 10, 10], 0.8)], { iouType: 'bbox' });
    // t ∈ {.5,.55,.6}: precision 2/(2+eps) at every recall point; t ≥ .65: det1 FP → 0.5 up to recall 0.5 (51 points).
    const expected = (3 * 101 * (2 / (2 + EPS)) + 7 * 51 * 0.5) / 1010;
    expect(r.stats.AP).toBeCloseTo(expected, 14);
    expect(r.stats.AP).not.toBeCloseTo((3 * 51 + 7 * 51 * 0.5) / 1010, 6); // what first-wins would give
    expect(r.stats['AR@300']).toBeCloseTo(0.65, 14);
    expect(r.stats.APr).toBe(r.stats.AP);
    expect(r.stats.APc).toBe(-1);
    expect(r.stats.APf).toBe(-1);
  });

  it('score ties across images break by sorted image id, not file order', () => {
    const gt = dataset([{ id: 2 }, { id: 1 }], [[1, 1, 1, [0, 0, 10, 10]], [2, 2, 1, [0, 0, 10, 10]]]);
    // file order: the FP (image 2) first; image 1's TP still ranks first.
    const r = evaluateLvis(gt, [det(2, 1, [40, 40, 10, 10], 0.5), det(1, 1, [0, 0, 10, 10], 0.5)], { iouType: 'bbox' });
    expect(r.stats.AP).toBeCloseTo(51 / 101, 14);
    // the same with image ids swapped puts the FP first
    const gt2 = dataset([{ id: 2 }, { id: 1 }], [[1, 2, 1, [0, 0, 10, 10]], [2, 1, 1, [0, 0, 10, 10]]]);
    const r2 = evaluateLvis(gt2, [det(1, 1, [40, 40, 10, 10], 0.5), det(2, 1, [0, 0, 10, 10], 0.5)], { iouType: 'bbox' });
    expect(r2.stats.AP).toBeCloseTo((51 * 0.5) / 101, 14);
  });

  it('score ties within an image keep results-file order', () => {
    const gt = dataset([{ id: 1 }], [[1, 1, 1, [0, 0, 10, 10]]]);
    const fpFirst = evaluateLvis(gt, [det(1, 1, [40, 40, 10, 10], 0.5), det(1, 1, [0, 0, 10, 10], 0.5)], { iouType: 'bbox' });
    expect(fpFirst.stats.AP).toBeCloseTo(0.5, 14);
    const tpFirst = evaluateLvis(gt, [det(1, 1, [0, 0, 10, 10], 0.5), det(1, 1, [40, 40, 10, 10], 0.5)], { iouType: 'bbox' });
    expect(tpFirst.stats.AP).toBeCloseTo(1 / (1 + EPS), 14);
  });

  it('per-image cap: stable by score, applied before the federated and area filters', () => {
    const gt = dataset([{ id: 1, neg_category_ids: [] }, { id: 2 }], [[1, 1, 1, [0, 0, 10, 10]], [2, 2, 1, [0, 0, 10, 10]]]);
    const dets = [
      det(1, 3, [0, 0, 5, 5], 0.5), // category 3: neither present nor negative → dropped later, but uses budget
      det(1, 1, [0, 0, 10, 0], 0.5), // zero area → dropped later, but uses budget
      det(1, 1, [0, 0, 10, 10], 0.5), // tied third: cut by maxDets = 2
      det(2, 1, [0, 0, 10, 10], 0.1), // image 2 is under the cap: kept
    ];
    const capped = evaluateLvis(gt, dets, { iouType: 'bbox', maxDets: 2 });
    expect(capped.stats['AR@2']).toBeCloseTo(0.5, 14);
    expect(capped.perCategory[0].numDt).toBe(1);
    const uncapped = evaluateLvis(gt, dets, { iouType: 'bbox', maxDets: -1 });
    expect(uncapped.stats['AR@all']).toBeCloseTo(1, 14);
    expect(uncapped.perCategory[0].numDt).toBe(2);
  });

  it('federated rules: negatives are false positives, absent categories are dropped, not-exhaustive FPs are ignored', () => {
    const gt = dataset(
      [{ id: 1, neg_category_ids: [2], not_exhaustive_category_ids: [1] }, { id: 2 }],
      [[1, 1, 1, [0, 0, 10, 10]], [2, 2, 2, [0, 0, 10, 10]]],
    );
    const base = [det(1, 1, [0, 0, 10, 10], 0.5), det(2, 2, [0, 0, 10, 10], 0.4)];
    const r0 = evaluateLvis(gt, base, { iouType: 'bbox' });
    expect(r0.stats.AP).toBeCloseTo(1 / (1 + EPS), 14);
    // an unmatched detection of category 1 on image 1 (not exhaustive) is ignored
    const r1 = evaluateLvis(gt, [det(1, 1, [30, 30, 10, 10], 0.9), ...base], { iouType: 'bbox' });
    expect(r1.stats.AP).toBe(r0.stats.AP);
    // category 3 on image 1: neither GT nor negative → dropped, nothing changes
    const r2 = evaluateLvis(gt, [det(1, 3, [30, 30, 10, 10], 0.9), ...base], { iouType: 'bbox' });
    expect(r2.stats.AP).toBe(r0.stats.AP);
    expect(r2.perCategory[2].numDt).toBe(0);
    // category 2 on image 1 is a verified negative → a false positive ranked first
    const r3 = evaluateLvis(gt, [det(1, 2, [30, 30, 10, 10], 0.9), ...base], { iouType: 'bbox' });
    expect(r3.perCategory[1].AP).toBeCloseTo(0.5, 14);
    expect(r3.perCategory[0].AP).toBeCloseTo(1 / (1 + EPS), 14);
  });

  it('−1 where undefined: categories without non-ignored GT are left out of every mean', () => {
    // category 3 only has a negative-image detection: num_gt = 0 → −1, not 0
    const gt = dataset([{ id: 1, neg_category_ids: [3] }], [[1, 1, 1, [0, 0, 40, 40]], [2, 1, 1, [0, 0, 0, 5], 0]]);
    const r = evaluateLvis(gt, [det(1, 1, [0, 0, 40, 40], 0.5), det(1, 3, [0, 0, 40, 40], 0.9)], { iouType: 'bbox' });
    expect(r.perCategory[2].AP).toBe(-1);
    expect(r.perCategory[1].AP).toBe(-1);
    expect(r.stats.APf).toBe(-1);
    expect(r.stats.APs).toBe(-1); // the only GT is 1600 px: no small GT anywhere
    expect(r.stats.APm).toBeCloseTo(1 / (1 + EPS), 14);
    expect(r.perCategory[0].numGt).toBe(1); // the zero-area GT is filtered out
    const T = 10, R = 101, K = 3, A = 4;
    expect(r.precision.shape).toEqual([T, R, K, A]);
    expect(r.recall.shape).toEqual([T, K, A]);
    expect(r.precision.data[((0 * R + 0) * K + 2) * A + 0]).toBe(-1);
  });

  it('a category with GT but no detections scores 0 (lvis-api issue #44)', () => {
    const gt = dataset([{ id: 1 }], [[1, 1, 1, [0, 0, 10, 10]], [2, 1, 2, [0, 0, 10, 10]]]);
    const r = evaluateLvis(gt, [det(1, 1, [0, 0, 10, 10], 0.5)], { iouType: 'bbox' });
    expect(r.perCategory[1].AP).toBe(0);
    expect(r.stats.AP).toBeCloseTo((1 / (1 + EPS)) / 2, 14);
  });

  it('rejects detections on unknown images and categories without a valid frequency', () => {
    const gt = dataset([{ id: 1 }], [[1, 1, 1, [0, 0, 10, 10]]]);
    expect(() => evaluateLvis(gt, [det(7, 1, [0, 0, 1, 1], 0.5)], { iouType: 'bbox' })).toThrow(/results\[0\]\.image_id/);
    const bad = { ...gt, categories: [...gt.categories, { id: 9, name: 'x' }] };
    expect(() => evaluateLvis(bad, [det(1, 1, [0, 0, 1, 1], 0.5)], { iouType: 'bbox' })).toThrow(/categories\[3\]\.frequency/);
  });
});

describe('evaluateLvis: inputs', () => {
  it('accepts an LvisIndex, and leaves the ground truth and results untouched', async () => {
    const { LvisIndex } = await import('../../src/coco/index.js');
    const { readFileSync } = await import('node:fs');
    const dir = new URL('../fixtures/eval/', import.meta.url);
    const gt = JSON.parse(readFileSync(new URL('synth_cli_gt.json', dir), 'utf8')) as LvisDataset;
    const results = JSON.parse(readFileSync(new URL('synth_boxes_masks.results.json', dir), 'utf8')) as DetectionResult[];
    const gtBefore = JSON.stringify(gt);
    const resBefore = JSON.stringify(results);
    const a = evaluateLvis(gt, results, { iouType: 'segm' });
    const b = evaluateLvis(new LvisIndex(gt), results, { iouType: 'segm' });
    expect(b.stats).toEqual(a.stats);
    expect(JSON.stringify(gt)).toBe(gtBefore);
    expect(JSON.stringify(results)).toBe(resBefore);
  });
});
