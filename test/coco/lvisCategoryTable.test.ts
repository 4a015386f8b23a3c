import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lvisPriorCounts } from '../../src/coco/lvisCategoryTable.js';
import { loadLvisCategoryTable } from '../../src/coco/loadLvisCategoryTable.js';
import { inputErrorOf } from '../helpers/inputErrors.js';

const SHARED_VAL = new URL('../../../shared/lvis/lvis_val_100.json', import.meta.url);

describe('the LVIS category tables in data/', () => {
  it('v0.5: 1,230 categories, LVIS v0.5 bucket sizes (454 r / 461 c / 315 f), frequency = image-count bins', () => {
    const t = loadLvisCategoryTable('v0.5');
    expect(t.categories).toHaveLength(1230);
    const n = { r: 0, c: 0, f: 0 };
    for (const c of t.categories) {
      n[c.frequency]++;
      // LVIS's frequency is the training image count binned at 10 / 100
      expect(c.frequency).toBe(c.image_count <= 10 ? 'r' : c.image_count <= 100 ? 'c' : 'f');
      expect(c.instance_count).toBeGreaterThanOrEqual(c.image_count);
    }
    expect(n).toEqual({ r: 454, c: 461, f: 315 });
    expect(t.numTrainImages).toBe(56740);
    expect(t.categories.map((c) => c.id)).toEqual(Array.from({ length: 1230 }, (_, i) => i + 1));
  });

  it('v1: 1,203 categories (337 r / 461 c / 405 f), image counts only', () => {
    const t = loadLvisCategoryTable('v1');
    expect(t.categories).toHaveLength(1203);
    const n = { r: 0, c: 0, f: 0 };
    for (const c of t.categories) {
      n[c.frequency]++;
      expect(c.instance_count).toBeNull();
      expect(c.frequency).toBe(c.image_count <= 10 ? 'r' : c.image_count <= 100 ? 'c' : 'f');
    }
    expect(n).toEqual({ r: 337, c: 461, f: 405 });
  });

  it.skipIf(!existsSync(SHARED_VAL))('v0.5 names, synsets and frequencies equal those of a real LVIS v0.5 val file (skips without ../shared/lvis)', () => {
    const val = JSON.parse(readFileSync(SHARED_VAL, 'utf8')) as { categories: { id: number; name: string; synset: string; frequency: string }[] };
    const t = loadLvisCategoryTable('v0.5');
    const byId = new Map(t.categories.map((c) => [c.id, c]));
    for (const c of val.categories) {
      const r = byId.get(c.id)!;
      expect([r.name, r.synset, r.frequency]).toEqual([c.name, c.synset, c.frequency]);
    }
  });

  it('gives a subset its full-data prior by id and synset, and refuses a category of another version', () => {
    const t = loadLvisCategoryTable('v0.5');
    const acorn = t.categories[0]!;
    const p = lvisPriorCounts(t, [{ id: 3, name: 'air_conditioner', synset: 'air_conditioner.n.01' }, { id: 1, name: 'acorn' }], 'sub.json');
    expect(p.imageCount).toEqual([t.categories[2]!.image_count, acorn.image_count]);
    expect(p.instanceCount).toEqual([t.categories[2]!.instance_count, acorn.instance_count]);
    const v1 = loadLvisCategoryTable('v1');
    // v1 renumbered the categories: id 1 is aerosol_can there
    expect(inputErrorOf(() => lvisPriorCounts(v1, [{ id: 1, name: 'acorn', synset: 'acorn.n.01' }], 'sub.json')).message).toBe(
      "sub.json: categories[0]: category 1 'acorn' is not the LVIS v1 category of that id: LVIS v1 id 1 is 'aerosol_can' (aerosol.n.02); use the matching loss.priorCounts or 'dataset'",
    );
    expect(lvisPriorCounts(v1, [{ id: 1, name: 'aerosol_can' }], 'x').instanceCount).toBeNull();
  });
});
