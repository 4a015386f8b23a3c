import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { LvisIndex, loadLvisDataset, loadResults, validateResults } from '../../src/coco/index.js';
import { BalmsInputError } from '../../src/util/errors.js';

const fixture = fileURLToPath(new URL('../fixtures/coco/tiny_lvis.json', import.meta.url));
const gt = new LvisIndex(JSON.parse(readFileSync(fixture, 'utf8')));
const dir = mkdtempSync(join(tmpdir(), 'balms-results-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const bboxResults = (): any[] => [
  { image_id: 10, category_id: 1, bbox: [0, 0, 10, 10], score: 0.9 },
  { image_id: 12, category_id: 2, bbox: [30.5, 1, 8, 27.5], score: 0.25 },
  { image_id: 11, category_id: 4, bbox: [1, 0, 3, 4], score: 1e-3 },
];
const segmResults = (): any[] => [
  { image_id: 11, category_id: 4, segmentation: { size: [4, 5], counts: '5:3H' }, score: 0.8 },
  { image_id: 10, category_id: 1, segmentation: { size: [20, 20], counts: '0::00000000000000000X6' }, score: 0.7 },
];

function errorOf(results: unknown, opts = {}): BalmsInputError {
  try {
    validateResults(results, gt, 'dets.json', opts);
  } catch (e) {
    expect(e).toBeInstanceOf(BalmsInputError);
    return e as BalmsInputError;
  }
  throw new Error('expected the results to be rejected');
}

const cases: Array<[string, () => unknown, string, RegExp, object?]> = [
  ['an empty list', () => [], '$', /results list is empty/],
  ['a non-array root', () => ({ results: [] }), '$', /expected a JSON array of detections/],
  ['a non-object detection', () => [...bboxResults(), 3], '[3]', /expected a detection object, got 3/],
  ['an unknown image id', () => Object.assign(bboxResults(), { 1: { image_id: 5, category_id: 1, bbox: [0, 0, 1, 1], score: 1 } }), '[1].image_id', /unknown image id 5/],
  ['an unknown category id', () => { const r = bboxResults(); r[2].category_id = 1000; return r; }, '[2].category_id', /unknown category id 1000/],
  ['a missing score', () => { const r = bboxResults(); delete r[0].score; return r; }, '[0].score', /missing key/],
  ['a NaN score', () => { const r = bboxResults(); r[1].score = NaN; return r; }, '[1].score', /finite number, got NaN/],
  ['a NaN box', () => { const r = bboxResults(); r[1].bbox[2] = NaN; return r; }, '[1].bbox[2]', /finite number, got NaN/],
  ['an Infinity box', () => { const r = bboxResults(); r[2].bbox[0] = -Infinity; return r; }, '[2].bbox[0]', /finite number, got -Infinity/],
  ['a negative box height', () => { const r = bboxResults(); r[0].bbox[3] = -1; return r; }, '[0].bbox[3]', /height is negative/],
  ['a detection without bbox in a bbox file', () => { const r = bboxResults(); delete r[2].bbox; return r; }, '[2].bbox', /missing key \(bbox results need a bbox/],
  ['a segm detection without segmentation', () => { const r = segmResults(); delete r[1].segmentation; return r; }, '[1].segmentation', /missing key \(segm results need/],
  ['polygon segm results', () => { const r = segmResults(); r[1].segmentation = [[0, 0, 5, 0, 5, 5]]; return r; }, '[1].segmentation', /must be compressed RLE objects \{size, counts\}, got a list/],
  ['uncompressed RLE segm results', () => { const r = segmResults(); r[0].segmentation.counts = [5, 10, 3, 2]; return r; }, '[0].segmentation.counts', /must be compressed RLE .* got a list of run lengths/],
  ['an RLE size different from the image', () => { const r = segmResults(); r[1].segmentation.size = [20, 21]; return r; }, '[1].segmentation.size', /RLE size \[20, 21\] does not match the image's \[height, width\] = \[20, 20\]/],
  ['a truncated RLE string', () => { const r = segmResults(); r[1].segmentation.counts = '0::00'; return r; }, '[1].segmentation.counts', /RLE runs cover \d+ pixels, expected height·width = 400/],
  ['a string image id', () => { const r = segmResults(); r[0].image_id = '11'; return r; }, '[0].image_id', /integer id, got the string "11"/],
];

describe('validateResults', () => {
  it('accepts bbox and segm results', () => {
    expect(validateResults(bboxResults(), gt, 'dets.json')).toHaveLength(3);
    expect(validateResults(segmResults(), gt, 'dets.json')).toHaveLength(2);
    // Without ground truth only the structure is checked.
    expect(validateResults([{ image_id: 1234, category_id: 9, bbox: [0, 0, 1, 1], score: 0.5 }])).toHaveLength(1);
  });

  for (const [what, make, path, problem, opts] of cases) {
    it(`rejects ${what}, naming ${path}`, () => {
      const e = errorOf(make(), opts);
      expect(e.file).toBe('dets.json');
      expect(e.path).toBe(path);
      expect(e.problem).toMatch(problem);
    });
  }

  it('iouType overrides the first-result rule; unknown categories can be allowed', () => {
    expect(errorOf(bboxResults(), { iouType: 'segm' }).path).toBe('[0].segmentation');
    const r = bboxResults();
    r[2].category_id = 1000;
    expect(validateResults(r, gt, 'dets.json', { allowUnknownCategories: true })).toHaveLength(3);
  });
});

describe('loadResults', () => {
  it('streams a results file and validates it against the ground truth', async () => {
    const p = join(dir, 'dets.json');
    const many = Array.from({ length: 3000 }, (_, i) => ({ ...segmResults()[i % 2], score: i / 3000 }));
    writeFileSync(p, JSON.stringify(many));
    const ds = await loadLvisDataset(fixture);
    const got = await loadResults(p, new LvisIndex(ds), { chunkSize: 1000 });
    expect(got).toEqual(many);
  });

  it('names the file, record and key of a bad detection', async () => {
    const p = join(dir, 'bad.json');
    const r = bboxResults();
    r[1].image_id = 4242;
    writeFileSync(p, JSON.stringify(r));
    await expect(loadResults(p, gt)).rejects.toThrow(`${p}: [1].image_id: unknown image id 4242 (not in the ground truth)`);
    writeFileSync(p, '[]');
    await expect(loadResults(p, gt)).rejects.toThrow(/results list is empty/);
    writeFileSync(p, '{"image_id": 1}');
    await expect(loadResults(p, gt)).rejects.toThrow(/\$: expected a JSON array of detections/);
  });
});
