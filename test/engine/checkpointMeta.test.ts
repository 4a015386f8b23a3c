import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDetectorFromCheckpoint, saveCheckpoint } from '../../src/engine/index.js';
import { checkDetectorMeta } from '../../src/engine/checkpointMeta.js';
import { inputErrorOf } from '../helpers/inputErrors.js';

const dir = mkdtempSync(join(tmpdir(), 'balms-ckpt-meta-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const good = () => ({
  iteration: 3,
  categories: [
    { id: 1, name: 'apple' },
    { id: 5, name: 'pear', frequency: 'r' },
  ],
  classStats: { imageCount: [2, 1], instanceCount: [3, 1], numTrainImages: 4 },
});

describe('checkDetectorMeta', () => {
  it('accepts what the trainer writes', () => {
    expect(() => checkDetectorMeta(good(), 'a.ckpt')).not.toThrow();
  });

  const cases: Array<[string, (m: any) => void, RegExp]> = [
    ['categories missing', (m) => delete m.categories, /meta\.categories: must be a non-empty list/],
    ['a null category', (m) => (m.categories[1] = null), /meta\.categories\[1\]: must be an object/],
    ['a fractional id', (m) => (m.categories[0].id = 1.5), /meta\.categories\[0\]\.id: must be an integer, got 1\.5/],
    ['duplicate ids', (m) => (m.categories[1].id = 1), /meta\.categories\[1\]\.id: duplicate category id 1/],
    ['a name that is not a string', (m) => (m.categories[0].name = 7), /meta\.categories\[0\]\.name/],
    ['class stats null', (m) => (m.classStats = null), /meta\.classStats: must be an object/],
    ['counts of the wrong length', (m) => m.classStats.imageCount.pop(), /meta\.classStats\.imageCount: must be a list of 2 counts/],
    ['a negative count', (m) => (m.classStats.instanceCount[1] = -1), /meta\.classStats\.instanceCount\[1\]: must be a count ≥ 0, got -1/],
    ['numTrainImages null', (m) => (m.classStats.numTrainImages = null), /meta\.classStats\.numTrainImages/],
    ['a negative iteration', (m) => (m.iteration = -2), /meta\.iteration: must be a non-negative integer/],
  ];
  it.each(cases)('%s: an input error naming the key', (_n, mutate, re) => {
    const m = good();
    mutate(m);
    const e = inputErrorOf(() => checkDetectorMeta(m, 'a.ckpt'));
    expect(e.message).toMatch(/^a\.ckpt: /);
    expect(e.message).toMatch(re);
  });

  it('loadDetectorFromCheckpoint reports a well-checksummed checkpoint with a wrong-shaped header by its key', () => {
    const p = join(dir, 'odd.ckpt');
    saveCheckpoint(p, { ...good(), config: {}, categories: [null] }, new Map());
    expect(inputErrorOf(() => loadDetectorFromCheckpoint(p)).message).toBe(`${p}: meta.categories[0]: must be an object {id, name}`);
  });
});
