import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { LvisIndex, area, columnsFromObjects, loadResultColumns, loadResults, rleFromString, scanResultColumns, validateResults, type ResultColumns } from '../../src/coco/index.js';
import type { ValidateResultsOptions } from '../../src/coco/validateResults.js';

const fixture = fileURLToPath(new URL('../fixtures/coco/tiny_lvis.json', import.meta.url));
const gt = new LvisIndex(JSON.parse(readFileSync(fixture, 'utf8')));
const dir = mkdtempSync(join(tmpdir(), 'balms-scan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

/** The general path: JSON.parse + validateResults, as columns; or the error it raises. */
function oracle(text: string, opts: ValidateResultsOptions = {}): ResultColumns | Error {
  try {
    return columnsFromObjects(validateResults(JSON.parse(text), gt, 'r.json', opts));
  } catch (e) {
    return e as Error;
  }
}

/** Columns as plain data (count entries; RLE strings as text) for comparison. */
function plain(c: ResultColumns): unknown[] {
  const out: unknown[] = [];
  for (let i = 0; i < c.count; i++) {
    let rle = c.segKind[i] === 1 ? String.fromCharCode(...c.bytes.subarray(c.rleStart[i], c.rleEnd[i])) : null;
    if (rle !== null && c.jsonEscaped) rle = rle.replace(/\\\\/g, '\\');
    // The area the scanner decoded along the way equals the mask API's.
    if (rle !== null && c.segArea) expect(c.segArea[i]).toBe(area(rleFromString(rle, c.segH[i], c.segW[i])));
    out.push([
      Object.is(c.imageId[i], -0) ? '-0' : c.imageId[i], c.categoryId[i], c.score[i], c.boxKind[i],
      c.boxKind[i] === 1 ? Array.from(c.box.subarray(4 * i, 4 * i + 4)) : null, c.segKind[i],
      c.segKind[i] === 1 ? [c.segH[i], c.segW[i]] : null, rle,
    ]);
  }
  return out;
}

/** The scanner gives the general path's columns where that path accepts the text, and null where it does not. */
function agrees(text: string, opts: ValidateResultsOptions = {}): 'scanned' | 'general' | 'rejected' {
  const want = oracle(text, opts);
  const got = scanResultColumns(enc(text), gt, opts);
  if (want instanceof Error) {
    expect(got, text).toBeNull();
    return 'rejected';
  }
  if (got === null) return 'general';
  expect(plain(got), text).toEqual(plain(want));
  return 'scanned';
}

const SEGM = { size: [4, 5], counts: '5:3H' };
// A 20×20 mask whose string holds a backslash (written "\\" in JSON).
const BACKSLASH = { size: [20, 20], counts: '4\\<' };

describe('scanResultColumns', () => {
  it('reads what JSON.parse + validateResults read, value for value', () => {
    const valid = [
      '[{"image_id": 10, "category_id": 1, "bbox": [0, 0, 10, 10], "score": 0.9}]',
      ' \n\t[ {"score":1e-3,"bbox":[30.5,1,8,27.5],"category_id":2,"image_id":12} , {"image_id":11,"category_id":4,"bbox":[1,0,3,4],"score":0.12345678901234567} ]\r\n',
      '[{"image_id": 10.0, "category_id": 1e0, "bbox": [-0, 1E2, 0.0, 3.14159265358979323846], "score": -0.5, "extra": {"a": [1, {"b": null}], "s": "x\\"y\\u00e9"}, "t": true, "f": false}]',
      '[{"image_id": 11, "category_id": 4, "segmentation": {"size": [4, 5], "counts": "5:3H"}, "score": 0.8}]',
      `[{"image_id": 11, "category_id": 4, "segmentation": ${JSON.stringify(SEGM)}, "score": 0.8, "bbox": [1, 2, 3, 4]}]`,
      `[{"image_id": 10, "category_id": 1, "segmentation": {"counts": ${JSON.stringify(BACKSLASH.counts)}, "extra": [], "size": [20, 20]}, "score": 1}]`,
      '[{"image_id": 10, "category_id": 1, "bbox": [1.7976931348623157e308, 5e-324, 123456789012345678, 0.1], "score": 2.5e-10}]',
      '[{"image_id": 10, "category_id": 999, "bbox": [0, 0, 1, 1], "score": 0}]',
    ];
    expect(JSON.parse(valid[5])[0].segmentation.counts).toContain('\\');
    for (const t of valid.slice(0, 7)) expect(agrees(t)).toBe('scanned');
    expect(agrees(valid[7], { allowUnknownCategories: true })).toBe('scanned');
    expect(agrees(valid[7])).toBe('rejected');
  });

  it('gives up (null) on everything the validator rejects, and on forms it leaves to the general path', () => {
    const rejected = [
      '', '[]', '{}', '[1]', '[{}]', '[{"image_id": 10, "category_id": 1, "bbox": [0, 0, 1, 1]}]',
      '[{"image_id": 10, "category_id": 1, "bbox": [0, 0, 1, 1], "score": 1e400}]',
      '[{"image_id": 10, "category_id": 1, "bbox": [0, 0, -1, 1], "score": 1}]',
      '[{"image_id": 10, "category_id": 1, "bbox": [0, 0, 1], "score": 1}]',
      '[{"image_id": 10, "category_id": 1, "bbox": [], "score": 1}]',
      '[{"image_id": 10, "category_id": 1, "bbox": null, "score": 1}]',
      '[{"image_id": 10.5, "category_id": 1, "bbox": [0, 0, 1, 1], "score": 1}]',
      '[{"image_id": 5, "category_id": 1, "bbox": [0, 0, 1, 1], "score": 1}]',
      '[{"image_id": "10", "category_id": 1, "bbox": [0, 0, 1, 1], "score": 1}]',
      '[{"image_id": 10, "category_id": 1, "bbox": [0, 0, 1, 1], "score": 01}]',
      '[{"image_id": 10, "category_id": 1, "bbox": [0, 0, 1, 1], "score": 1.}]',
      '[{"image_id": 10, "category_id": 1, "bbox": [0, 0, 1, 1], "score": 1,}]',
      '[{"image_id": 10, "category_id": 1, "bbox": [0, 0, 1, 1], "score": 1}',
      '[{"image_id": 10, "category_id": 1, "bbox": [0, 0, 1, 1], "score": 1}] x',
      '[{"image_id": 10, "category_id": 1, "bbox": [0, 0, 1, 1], "score": 1, "x": "\u0001"}]',
      '[{"image_id": 11, "category_id": 4, "segmentation": {"size": [4, 5], "counts": "5:3"}, "score": 1}]',
      '[{"image_id": 11, "category_id": 4, "segmentation": {"size": [5, 4], "counts": "5:3H"}, "score": 1}]',
      '[{"image_id": 11, "category_id": 4, "segmentation": {"size": [4, 5], "counts": [5, 15]}, "score": 1}]',
      '[{"image_id": 11, "category_id": 4, "segmentation": [[0, 0, 1, 1, 2, 0]], "score": 1}]',
      '[{"image_id": 11, "category_id": 4, "segmentation": {"counts": "5:3H"}, "score": 1}]',
      '[{"image_id": 11, "category_id": 4, "score": 1}]',
      '[{"image_id": 10, "category_id": 1, "bbox": [0, 0, 1, 1], "score": 1}, {"image_id": 11, "category_id": 4, "segmentation": {"size": [4, 5], "counts": "5:3H"}, "score": 1}]',
    ];
    for (const t of rejected) expect(agrees(t)).toBe('rejected');
    // Valid, but left to the general path: a repeated key (JSON.parse keeps the last), an escaped key.
    for (const t of [
      '[{"image_id": 10, "image_id": 12, "category_id": 1, "bbox": [0, 0, 1, 1], "score": 1}]',
      '[{"image\\u005fid": 10, "category_id": 1, "bbox": [0, 0, 1, 1], "score": 1}]',
    ]) expect(agrees(t)).toBe('general');
  });

  it('agrees with the general path on randomly damaged files', () => {
    const base = JSON.stringify([
      { image_id: 10, category_id: 1, bbox: [0, 0, 10, 10], score: 0.9, segmentation: BACKSLASH },
      { image_id: 11, category_id: 4, bbox: [1.5, 0, 3, 4], score: 1e-3, segmentation: SEGM, note: ['a', { b: -2.5e3 }] },
      { image_id: 12, category_id: 2, bbox: [30.5, 1, 8, 27.5], score: 0.25 },
    ]);
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const alphabet = '0123456789-+.eE,:[]{}" \\ntfalsu';
    const seen = { scanned: 0, general: 0, rejected: 0 };
    for (let trial = 0; trial < 3000; trial++) {
      const chars = base.split('');
      const edits = 1 + rand(2);
      for (let e = 0; e < edits; e++) {
        const at = rand(chars.length);
        const op = rand(3);
        if (op === 0) chars.splice(at, 1);
        else if (op === 1) chars.splice(at, 0, alphabet[rand(alphabet.length)]);
        else chars[at] = alphabet[rand(alphabet.length)];
      }
      seen[agrees(chars.join(''), { iouType: rand(2) ? 'bbox' : undefined })]++;
    }
    // The damage must exercise both outcomes (a test that cannot fail would not).
    expect(seen.scanned).toBeGreaterThan(100);
    expect(seen.rejected).toBeGreaterThan(1000);
  });
});

describe('loadResultColumns', () => {
  it('reads a file into the same columns as loadResults, and raises its messages', async () => {
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify([{ image_id: 11, category_id: 4, segmentation: SEGM, score: 0.8 }, { image_id: 10, category_id: 1, segmentation: BACKSLASH, score: 0.7 }]));
    expect(plain(await loadResultColumns(good, gt))).toEqual(plain(columnsFromObjects(await loadResults(good, gt))));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '[{"image_id": 10, "category_id": 1, "bbox": [0, 0, 1, 1], "score": 1},\n {"image_id": 10, "category_id": 1, "bbox": [0, 0, -1, 1], "score": 1}]');
    const msg = async (f: () => Promise<unknown>): Promise<string> => f().then(() => 'accepted', (e: Error) => e.message);
    const m = await msg(() => loadResultColumns(bad, gt));
    expect(m).toMatch(/\[1\]\.bbox\[2\].*negative/);
    expect(m).toBe(await msg(() => loadResults(bad, gt)));
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '[{"image_id": 10,\n "category_id": 1 "bbox": [0, 0, 1, 1], "score": 1}]');
    const s = await msg(() => loadResultColumns(broken, gt));
    expect(s).toMatch(/line 2, column/);
    expect(s).toBe(await msg(() => loadResults(broken, gt)));
  });
});
