/** Reads the LVIS category tables shipped in `data/` (Node: the file system). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { LvisCategoryTable, LvisTableCategory, LvisVersion } from './lvisCategoryTable.js';

/** The table file of `version` (inside the package: `data/` at its root, beside `dist/` and `src/`). */
export function lvisCategoryTablePath(version: LvisVersion): string {
  return fileURLToPath(new URL(`../../data/lvis_${version}_categories.json`, import.meta.url));
}

const cache = new Map<LvisVersion, LvisCategoryTable>();

/** Loads (once per process) the category table of LVIS `version`. */
export function loadLvisCategoryTable(version: LvisVersion): LvisCategoryTable {
  const hit = cache.get(version);
  if (hit) return hit;
  const file = lvisCategoryTablePath(version);
  const raw = JSON.parse(readFileSync(file, 'utf8')) as { source: string; num_train_images: number; categories: LvisTableCategory[] };
  const table: LvisCategoryTable = { version, source: raw.source, numTrainImages: raw.num_train_images, categories: raw.categories };
  cache.set(version, table);
  return table;
}

