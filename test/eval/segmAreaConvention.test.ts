/**
 * The one area convention of mask detections (src/eval/segmAreaConvention.ts): a results file is
 * scored as lvis-api scores it (box area when results carry a bbox), a model's detections by their
 * mask's pixel count — and the model evaluation (`evaluateModelResults`) uses exactly that.
 */
import { describe, expect, it } from 'vitest';
import { frPoly, rleToString } from '../../src/coco/mask/index.js';
import type { DetectionResult, LvisDataset } from '../../src/coco/types.js';
import { evaluateModelResults } from '../../src/engine/evaluateModel.js';
import { evaluateLvis, segmAreaFromBbox } from '../../src/eval/index.js';

const square = (x: number, y: number, s: number) => [x, y, x + s, y, x + s, y + s, x, y + s];
// one 64×64 image, one small (10×10 = 100 px < 32²) ground-truth square of a rare category
const gt: LvisDataset = {
  images: [{ id: 1, height: 64, width: 64, neg_category_ids: [], not_exhaustive_category_ids: [] }],
  annotations: [{ id: 1, image_id: 1, category_id: 1, bbox: [0, 0, 10, 10], area: 100, segmentation: [square(0, 0, 10)] }],
  categories: [{ id: 1, name: 'a', frequency: 'r' }],
} as LvisDataset;
const mask = (x: number, y: number) => {
  const r = frPoly(square(x, y, 10), 64, 64);
  return { size: [64, 64] as [number, number], counts: rleToString(r) };
};
// a false positive whose mask is small (100 px) but whose box says medium (50×50), ranked first; then the hit
const results: DetectionResult[] = [
  { image_id: 1, category_id: 1, score: 0.9, bbox: [14, 14, 50, 50], segmentation: mask(40, 40) },
  { image_id: 1, category_id: 1, score: 0.5, bbox: [0, 0, 10, 10], segmentation: mask(0, 0) },
];

describe('the area convention of mask detections', () => {
  it('says box area (lvis-api) for a results file unless asked, the mask pixel count for a model, nothing for boxes', () => {
    expect(segmAreaFromBbox('segm', 'file')).toBeUndefined();
    expect(segmAreaFromBbox('boundary', 'file', true)).toBe(false);
    expect(segmAreaFromBbox('segm', 'model')).toBe(false);
    expect(segmAreaFromBbox('boundary', 'model')).toBe(false);
    expect(segmAreaFromBbox('bbox', 'model')).toBeUndefined();
  });

  it('changes APs by hand: the false positive counts as small only with the mask area', () => {
    const file = evaluateLvis(gt, results, { iouType: 'segm', segmAreaFromBbox: segmAreaFromBbox('segm', 'file') });
    const model = evaluateLvis(gt, results, { iouType: 'segm', segmAreaFromBbox: segmAreaFromBbox('segm', 'model') });
    // box area 2500: the FP is outside 'small' and ignored there → APs 1; AP (all areas) 0.5 either way
    expect(file.stats.APs).toBeCloseTo(1, 12);
    expect(model.stats.APs).toBeCloseTo(0.5, 12);
    expect(file.stats.AP).toBeCloseTo(0.5, 12);
    expect(model.stats.AP).toBeCloseTo(0.5, 12);
    // the model evaluation is that convention
    const ev = evaluateModelResults(gt, results);
    expect(ev.segm).toEqual(model.stats);
    expect(ev.bbox).toEqual(evaluateLvis(gt, results, { iouType: 'bbox' }).stats);
  });
});
