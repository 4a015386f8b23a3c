import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/runCli.js';

const VAL = '../shared/lvis/lvis_val_100.json';

describe('balms stats --lvis', () => {
  it('prints the shipped table by bucket (v0.5: 454 r / 461 c / 315 f categories)', () => {
    const r = runCli(['stats', '--lvis', 'v0.5', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { categories: number; numTrainImages: number; buckets: Record<string, { categories: number }> };
    expect([j.categories, j.numTrainImages, j.buckets['r']!.categories, j.buckets['c']!.categories, j.buckets['f']!.categories]).toEqual([1230, 56740, 454, 461, 315]);
  });

  it('an unknown version is one line, exit 2', () => {
    const r = runCli(['stats', '--lvis', 'v2']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe("balms stats: --lvis: must be one of v0.5, v1, got 'v2'");
  });

  it.skipIf(!existsSync(new URL(`../../${VAL}`, import.meta.url)))('tells which version a file is (skips without ../shared/lvis)', () => {
    const v05 = JSON.parse(runCli(['stats', '--lvis', 'v0.5', '--gt', VAL, '--json']).stdout) as { match: { matching: number; otherIds: number } };
    const v1 = JSON.parse(runCli(['stats', '--lvis', 'v1', '--gt', VAL, '--json']).stdout) as { match: { matching: number; otherIds: number } };
    expect(v05.match).toMatchObject({ matching: 1230, otherIds: 0 });
    expect(v1.match.otherIds).toBeGreaterThan(1000);
  });
});
