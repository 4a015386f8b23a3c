/**
 * The schema of the run metadata that rebuilding a detector from a checkpoint reads (categories,
 * class statistics, the loss's statistics, iteration): checked up front so that a checkpoint written by other code, or
 * edited by hand with its checksum recomputed, fails with the key at fault instead of a TypeError.
 */
import { BalmsInputError } from '../util/errors.js';

function isCount(v: unknown): boolean {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}

/** Throws a `BalmsInputError` naming `file` and `meta.<key>` for the first field of the wrong shape. */
export function checkDetectorMeta(meta: Record<string, unknown>, file: string): void {
  const bad = (path: string, problem: string): never => {
    throw new BalmsInputError(problem, { file, path: `meta.${path}` });
  };
  const cats = meta['categories'];
  if (!Array.isArray(cats) || cats.length === 0) bad('categories', 'must be a non-empty list of {id, name}');
  const ids = new Set<number>();
  (cats as unknown[]).forEach((c, i) => {
    const rec = c as { id?: unknown; name?: unknown } | null;
    if (rec === null || typeof rec !== 'object' || Array.isArray(rec)) bad(`categories[${i}]`, 'must be an object {id, name}');
    if (!Number.isSafeInteger(rec!.id)) bad(`categories[${i}].id`, `must be an integer, got ${JSON.stringify(rec!.id)}`);
    if (ids.has(rec!.id as number)) bad(`categories[${i}].id`, `duplicate category id ${rec!.id as number}`);
    ids.add(rec!.id as number);
    if (typeof rec!.name !== 'string') bad(`categories[${i}].name`, 'must be a string');
  });
  checkStats(meta, 'classStats', (cats as unknown[]).length, bad);
  // what the loss was built from (priorCounts 'sampled' or an LVIS table); older files lack it
  if (meta['lossStats'] !== undefined) checkStats(meta, 'lossStats', (cats as unknown[]).length, bad);
  const it = meta['iteration'];
  if (it !== undefined && !(Number.isSafeInteger(it) && (it as number) >= 0)) bad('iteration', `must be a non-negative integer, got ${JSON.stringify(it)}`);
}

function checkStats(meta: Record<string, unknown>, name: string, numClasses: number, bad: (path: string, problem: string) => never): void {
  const stats = meta[name] as Record<string, unknown> | null | undefined;
  if (stats === null || typeof stats !== 'object' || Array.isArray(stats)) bad(name, 'must be an object {imageCount, instanceCount, numTrainImages}');
  for (const key of ['imageCount', 'instanceCount']) {
    const a = stats![key];
    if (!Array.isArray(a) || a.length !== numClasses) bad(`${name}.${key}`, `must be a list of ${numClasses} counts (one per category)`);
    const k = (a as unknown[]).findIndex((v) => !isCount(v));
    if (k >= 0) bad(`${name}.${key}[${k}]`, `must be a count ≥ 0, got ${JSON.stringify((a as unknown[])[k])}`);
  }
  if (!isCount(stats!['numTrainImages'])) bad(`${name}.numTrainImages`, `must be a count ≥ 0, got ${JSON.stringify(stats!['numTrainImages'])}`);
}
