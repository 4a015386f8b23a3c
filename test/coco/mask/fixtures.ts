/** Loads the pycocotools golden fixtures written by scripts/fixtures/make_mask_fixtures.py. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = join(here, '..', '..', '..');
export const lvisValPath = join(repoRoot, '..', 'shared', 'lvis', 'lvis_val_100.json');

export function loadFixture<T>(name: string): T {
  return JSON.parse(readFileSync(join(repoRoot, 'test', 'fixtures', 'coco', name), 'utf8')) as T;
}

export interface JsonRle {
  size: [number, number];
  counts: string;
}
