import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadJsonFile, loadLvisDataset } from '../../src/coco/index.js';
import { writeJsonFileAtomic } from '../../src/util/writeJsonAtomic.js';
import { BalmsInputError } from '../../src/util/errors.js';

const fixture = fileURLToPath(new URL('../fixtures/coco/tiny_lvis.json', import.meta.url));
const shared = fileURLToPath(new URL('../../../shared/lvis/lvis_val_100.json', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'balms-load-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loadLvisDataset on the committed fixture', () => {
  it('equals JSON.parse of the file, for several chunk sizes', async () => {
    const expected = JSON.parse(readFileSync(fixture, 'utf8'));
    for (const chunkSize of [13, 256, 1 << 20]) expect(await loadLvisDataset(fixture, { chunkSize })).toEqual(expected);
  });

  it('names the file and record of a validation error found after streaming', async () => {
    const d = JSON.parse(readFileSync(fixture, 'utf8'));
    d.annotations[4].segmentation[0] = [1, 2, 3, 4];
    const p = join(dir, 'badpoly.json');
    writeFileSync(p, JSON.stringify(d, null, 2));
    const e = await loadLvisDataset(p, { chunkSize: 64 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(BalmsInputError);
    expect((e as Error).message).toBe(`${p}: annotations[4].segmentation[0]: polygon has 4 values (2 points); at least 3 points (6 values) are needed`);
  });

  it('writeJsonFileAtomic round-trips the dataset', async () => {
    const d = await loadLvisDataset(fixture);
    const p = join(dir, 'out', 'copy.json');
    writeJsonFileAtomic(p, d as unknown as Record<string, unknown>);
    expect(JSON.parse(readFileSync(p, 'utf8'))).toEqual(d);
    expect(await loadJsonFile(p, { chunkSize: 100 })).toEqual(d);
  });
});

describe.skipIf(!existsSync(shared))('loadLvisDataset on lvis_val_100.json', () => {
  it('streams the real file (small chunks) to the same value as JSON.parse', async () => {
    const expected = JSON.parse(readFileSync(shared, 'utf8'));
    const got = await loadLvisDataset(shared, { chunkSize: 64 << 10 });
    expect(got).toEqual(expected);
    expect(got.images).toHaveLength(100);
    expect(got.annotations).toHaveLength(977);
    expect(got.categories).toHaveLength(1230);
  });
});
