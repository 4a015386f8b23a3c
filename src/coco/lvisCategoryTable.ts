/**
 * The LVIS category tables balms ships in `data/` (from the official annotation files' metadata;
 * made by scripts/data/make_lvis_tables.py): id, name, synset, frequency and the *training* split's
 * image_count / instance_count for LVIS v0.5 (1,230 categories) and v1 (1,203; instance_count not
 * published, null). A user training on an LVIS subset offline gets the full data set's class prior
 * from them (`loss.priorCounts: 'lvis_v0.5' | 'lvis_v1'`), and `balms stats --lvis` prints them.
 * No file system here (the page builds models too): `loadLvisCategoryTable.ts` reads the files.
 */
import { BalmsInputError } from '../util/errors.js';
import type { Frequency } from './types.js';

export type LvisVersion = 'v0.5' | 'v1';
export const LVIS_VERSIONS: readonly LvisVersion[] = ['v0.5', 'v1'];

export interface LvisTableCategory {
  id: number;
  name: string;
  synset: string;
  frequency: Frequency;
  image_count: number;
  /** null where the public table lacks it (v1). */
  instance_count: number | null;
}

export interface LvisCategoryTable {
  version: LvisVersion;
  /** Where the numbers come from. */
  source: string;
  /** Annotated training images (the denominator of the image-count frequency). */
  numTrainImages: number;
  /** Ascending id. */
  categories: LvisTableCategory[];
}

/** The part of a category the prior lookup matches on. */
export interface NamedCategory {
  id: number;
  name: string;
  synset?: string;
}

/**
 * The table's training counts for `categories` (a subset's, in class order), matched by id and
 * checked by synset (else name), so a COCO-style or other-version file is refused instead of
 * silently taking another category's count. `file` names the annotation file in messages.
 */
export function lvisPriorCounts(
  table: LvisCategoryTable,
  categories: readonly NamedCategory[],
  file: string,
): { imageCount: number[]; instanceCount: number[] | null; numTrainImages: number } {
  const byId = new Map(table.categories.map((c) => [c.id, c]));
  const imageCount: number[] = [];
  const instanceCount: number[] = [];
  let instances = true;
  categories.forEach((c, k) => {
    const t = byId.get(c.id);
    const same = t && (c.synset !== undefined ? c.synset === t.synset : c.name === t.name);
    if (!t || !same) {
      const found = t ? `LVIS ${table.version} id ${c.id} is '${t.name}' (${t.synset})` : `LVIS ${table.version} has no id ${c.id}`;
      throw new BalmsInputError(`category ${c.id} '${c.name}' is not the LVIS ${table.version} category of that id: ${found}; use the matching loss.priorCounts or 'dataset'`, {
        file,
        path: `categories[${k}]`,
      });
    }
    imageCount.push(t.image_count);
    if (t.instance_count === null) instances = false;
    else instanceCount.push(t.instance_count);
  });
  return { imageCount, instanceCount: instances ? instanceCount : null, numTrainImages: table.numTrainImages };
}
