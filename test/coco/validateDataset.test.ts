import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseLvisDataset } from '../../src/coco/index.js';
import { BalmsInputError } from '../../src/util/errors.js';

const fixture = fileURLToPath(new URL('../fixtures/coco/tiny_lvis.json', import.meta.url));
const base = (): any => JSON.parse(readFileSync(fixture, 'utf8'));

function errorOf(obj: unknown, file = 'gt.json'): BalmsInputError {
  try {
    parseLvisDataset(obj, file);
  } catch (e) {
    expect(e).toBeInstanceOf(BalmsInputError);
    return e as BalmsInputError;
  }
  throw new Error('expected the dataset to be rejected');
}

/** Each case: a mutation of the valid fixture, the JSON path the error must name, and the problem. */
const cases: Array<[string, (d: any) => void, string, RegExp]> = [
  ['a non-object root', (d) => Object.assign(d, { images: 5 }), 'images', /expected an array, got 5/],
  ['missing annotations', (d) => delete d.annotations, 'annotations', /missing key/],
  ['an image that is not an object', (d) => (d.images[2] = [1]), 'images[2]', /expected an image object/],
  ['a string image id', (d) => (d.images[1].id = '11'), 'images[1].id', /expected an integer id, got the string "11"/],
  ['a duplicate image id', (d) => (d.images[3].id = 10), 'images[3].id', /duplicate image id 10 \(also images\[0\]\)/],
  ['a zero image height', (d) => (d.images[0].height = 0), 'images[0].height', /positive integer, got 0/],
  ['a missing image width', (d) => delete d.images[0].width, 'images[0].width', /missing key/],
  ['missing neg_category_ids in LVIS', (d) => delete d.images[2].neg_category_ids, 'images[2].neg_category_ids', /missing key/],
  ['an unknown negative category', (d) => d.images[0].neg_category_ids.push(99), 'images[0].neg_category_ids[1]', /unknown category id 99/],
  ['a non-list not-exhaustive field', (d) => (d.images[1].not_exhaustive_category_ids = 2), 'images[1].not_exhaustive_category_ids', /expected a list of category ids, got 2/],
  ['a duplicate category id', (d) => (d.categories[2].id = 1), 'categories[2].id', /duplicate category id 1 \(also categories\[0\]\)/],
  ['a bad frequency', (d) => (d.categories[1].frequency = 'x'), 'categories[1].frequency', /expected "r", "c" or "f", got the string "x"/],
  ['a missing frequency in LVIS', (d) => delete d.categories[3].frequency, 'categories[3].frequency', /missing key/],
  ['a negative image_count', (d) => (d.categories[0].image_count = -1), 'categories[0].image_count', /non-negative integer, got -1/],
  ['a missing category name', (d) => delete d.categories[0].name, 'categories[0].name', /missing key/],
  ['a duplicate annotation id', (d) => (d.annotations[4].id = 2), 'annotations[4].id', /duplicate annotation id 2 \(also annotations\[1\]\)/],
  ['an unknown image id', (d) => (d.annotations[2].image_id = 999), 'annotations[2].image_id', /unknown image id 999/],
  ['an unknown category id', (d) => (d.annotations[5].category_id = 77), 'annotations[5].category_id', /unknown category id 77/],
  ['a fractional category id', (d) => (d.annotations[5].category_id = 1.5), 'annotations[5].category_id', /integer id, got 1.5/],
  ['a missing bbox', (d) => delete d.annotations[1].bbox, 'annotations[1].bbox', /missing key/],
  ['a 3-value bbox', (d) => (d.annotations[1].bbox = [1, 2, 3]), 'annotations[1].bbox', /expected \[x, y, width, height\], got an array of length 3/],
  ['a NaN bbox', (d) => (d.annotations[1].bbox[1] = NaN), 'annotations[1].bbox[1]', /finite number, got NaN/],
  ['an Infinity bbox', (d) => (d.annotations[1].bbox[0] = Infinity), 'annotations[1].bbox[0]', /finite number, got Infinity/],
  ['a negative bbox width', (d) => (d.annotations[3].bbox[2] = -2), 'annotations[3].bbox[2]', /width is negative \(-2\)/],
  ['a negative bbox height', (d) => (d.annotations[3].bbox[3] = -0.5), 'annotations[3].bbox[3]', /height is negative/],
  ['a negative area', (d) => (d.annotations[0].area = -1), 'annotations[0].area', /area is negative/],
  ['a string area', (d) => (d.annotations[0].area = '1'), 'annotations[0].area', /finite number, got the string "1"/],
  ['a polygon with 2 points', (d) => (d.annotations[4].segmentation[1] = [1, 2, 3, 4]), 'annotations[4].segmentation[1]', /2 points\); at least 3 points/],
  ['a polygon of odd length', (d) => (d.annotations[4].segmentation[0] = [1, 2, 3, 4, 5, 6, 7]), 'annotations[4].segmentation[0]', /odd number of values \(7\)/],
  ['a null polygon coordinate', (d) => (d.annotations[0].segmentation[0][5] = null), 'annotations[0].segmentation[0][5]', /finite number, got null/],
  ['an empty polygon list', (d) => (d.annotations[0].segmentation = []), 'annotations[0].segmentation', /empty list of polygons/],
  ['a missing segmentation in LVIS', (d) => delete d.annotations[0].segmentation, 'annotations[0].segmentation', /missing key/],
  ['a string segmentation', (d) => (d.annotations[0].segmentation = 'abc'), 'annotations[0].segmentation', /list of polygons or an RLE object/],
  ['an RLE size that differs from the image', (d) => (d.annotations[3].segmentation.size = [5, 4]), 'annotations[3].segmentation.size', /RLE size \[5, 4\] does not match the image's \[height, width\] = \[4, 5\]/],
  ['an RLE string that does not cover the image', (d) => (d.annotations[3].segmentation.counts = '5:3'), 'annotations[3].segmentation.counts', /cover 18 pixels, expected height·width = 20/],
  ['a malformed RLE string', (d) => (d.annotations[3].segmentation.counts = '5:3H~'), 'annotations[3].segmentation.counts', /malformed compressed RLE string/],
  ['uncompressed RLE runs that do not sum to h·w', (d) => (d.annotations[5].segmentation.counts = [10, 20, 60]), 'annotations[5].segmentation.counts', /cover 90 pixels, expected height·width = 100/],
  ['a negative run length', (d) => (d.annotations[5].segmentation.counts = [10, -20, 110]), 'annotations[5].segmentation.counts[1]', /non-negative integer, got -20/],
  ['a bad iscrowd', (d) => (d.annotations[0].iscrowd = 2), 'annotations[0].iscrowd', /expected 0 or 1, got 2/],
];

describe('parseLvisDataset', () => {
  it('accepts the valid fixture and returns the same object', () => {
    const d = base();
    expect(parseLvisDataset(d, 'gt.json')).toBe(d);
  });

  for (const [what, mutate, path, problem] of cases) {
    it(`rejects ${what}, naming ${path}`, () => {
      const d = base();
      mutate(d);
      const e = errorOf(d);
      expect(e.file).toBe('gt.json');
      expect(e.path).toBe(path);
      expect(e.problem).toMatch(problem);
      expect(e.message.startsWith(`gt.json: ${path}: `)).toBe(true);
    });
  }

  it('allowDegeneratePolygons accepts short (even-length) polygons only', () => {
    const d = base();
    d.annotations[4].segmentation[1] = [1, 2, 3, 4];
    expect(() => parseLvisDataset(d, 'gt.json', { allowDegeneratePolygons: true })).not.toThrow();
    d.annotations[4].segmentation[1] = [1, 2, 3];
    expect(() => parseLvisDataset(d, 'gt.json', { allowDegeneratePolygons: true })).toThrow(/segmentation\[1\]: polygon has an odd number of values \(3\)/);
    d.annotations[4].segmentation[1] = [];
    expect(() => parseLvisDataset(d, 'gt.json', { allowDegeneratePolygons: true })).toThrow(/polygon has 0 values/);
  });

  it('accepts annotation id 0 (lvis-api then counts that GT as unmatched; the evaluator reproduces it)', () => {
    const d = base();
    d.annotations[0].id = 0;
    expect(() => parseLvisDataset(d, 'gt.json')).not.toThrow();
  });

  it('rejects a non-object root', () => {
    expect(errorOf([1, 2]).message).toBe('gt.json: $: expected a JSON object with images, annotations and categories, got an array of length 2');
  });

  it('COCO format: no LVIS keys needed, iscrowd RLE allowed', () => {
    const d = base();
    for (const im of d.images) {
      delete im.neg_category_ids;
      delete im.not_exhaustive_category_ids;
    }
    for (const c of d.categories) delete c.frequency;
    d.annotations[5].iscrowd = 1;
    delete d.annotations[0].segmentation;
    expect(() => parseLvisDataset(d, 'coco.json')).not.toThrow();
    expect(() => parseLvisDataset(d, 'coco.json', { format: 'lvis' })).toThrow(/categories\[0\]\.frequency: missing key/);
  });
});
