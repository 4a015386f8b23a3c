import type { Command } from './command.js';
import { parseCli } from './parseCli.js';
import { BalmsInputError } from '../util/errors.js';
import { categoryStats, loadLvisDataset, type DatasetStats } from '../coco/index.js';
import { LVIS_VERSIONS, type LvisVersion } from '../coco/lvisCategoryTable.js';
import { loadLvisCategoryTable } from '../coco/loadLvisCategoryTable.js';

const usage = `Usage: balms stats --gt GT.json [--json] [--max-mismatches N]
       balms stats --lvis v0.5|v1 [--gt GT.json] [--json]

Loads and validates an LVIS/COCO annotation file (any size; streamed) and prints, per frequency
bucket (r = 1-10 training images, c = 11-100, f > 100), the number of categories and annotations,
and every category whose own image_count / instance_count / frequency fields differ from the
values recomputed from the annotations. (LVIS val files carry the training counts, so there they
all differ by design.)

With --lvis, prints the LVIS category table balms ships in data/ (the full training split's
image_count / instance_count per category, the prior loss.priorCounts 'lvis_v0.5' / 'lvis_v1'
uses): categories, images and instances per bucket; with --gt as well, how the file's categories
match it (same id and synset) and how many of the file's own count fields equal the table's.

Options:
  --gt FILE            annotation file (required without --lvis)
  --lvis VERSION       v0.5 or v1: the shipped LVIS category table
  --json               print one JSON object (all categories and mismatches) instead of a table
  --max-mismatches N   mismatches listed in the table (default 20)
`;

export const statsCommand: Command = {
  name: 'stats',
  usage,
  async run(argv) {
    const { values } = parseCliArgs(argv);
    const gt = values.gt;
    if (values.lvis !== undefined) return lvisTableStats(values.lvis, gt, !!values.json);
    if (!gt) throw new BalmsInputError('missing --gt FILE (see balms stats --help)');
    const max = values['max-mismatches'] === undefined ? 20 : Number(values['max-mismatches']);
    if (!Number.isSafeInteger(max) || max < 0) throw new BalmsInputError(`--max-mismatches: expected a non-negative integer, got '${values['max-mismatches']}'`);
    const ds = await loadLvisDataset(gt);
    const stats = categoryStats(ds);
    if (values.json) process.stdout.write(JSON.stringify({ file: gt, ...stats }) + '\n');
    else process.stdout.write(formatStats(gt, stats, max));
    return 0;
  },
};

function parseCliArgs(argv: string[]) {
  return parseCli(argv, { gt: { type: 'string' }, json: { type: 'boolean' }, 'max-mismatches': { type: 'string' }, lvis: { type: 'string' } });
}

/** The readable table `balms stats` prints. */
export function formatStats(file: string, s: DatasetStats, maxMismatches: number): string {
  const out: string[] = [];
  out.push(`${file}: ${s.images} images, ${s.annotations} annotations, ${s.categories} categories (${s.unseenCategories} without annotations)`);
  out.push('');
  const rows = [['bucket', 'categories (file)', 'categories (recomputed)', 'annotations']];
  for (const b of ['r', 'c', 'f'] as const) {
    rows.push([b, String(s.categoriesPerBucket.file[b]), String(s.categoriesPerBucket.computed[b]), String(s.instancesPerBucket[b])]);
  }
  const { missing } = s.categoriesPerBucket.file;
  const { none } = s.categoriesPerBucket.computed;
  if (missing || none) rows.push(['(none)', missing ? `${missing} without frequency` : '', none ? `${none} without annotations` : '', '']);
  out.push(...alignedRows(rows));
  out.push('');
  const byField = { image_count: 0, instance_count: 0, frequency: 0 };
  for (const m of s.mismatches) byField[m.field]++;
  if (s.mismatches.length === 0) out.push('File statistics: all image_count, instance_count and frequency fields match the annotations.');
  else {
    out.push(`File statistics differ from the annotations: image_count ${byField.image_count}, instance_count ${byField.instance_count}, frequency ${byField.frequency} categories.`);
    for (const m of s.mismatches.slice(0, maxMismatches)) out.push(`  ${m.id} ${m.name}: ${m.field} file ${m.file}, recomputed ${m.computed}`);
    if (s.mismatches.length > maxMismatches) out.push(`  … ${s.mismatches.length - maxMismatches} more (--json lists all)`);
  }
  return out.join('\n') + '\n';
}

/** `balms stats --lvis VERSION [--gt FILE]`: the shipped table's buckets, and a file's match to it. */
async function lvisTableStats(version: string, gt: string | undefined, json: boolean): Promise<number> {
  if (!LVIS_VERSIONS.includes(version as LvisVersion)) throw new BalmsInputError(`--lvis: must be one of ${LVIS_VERSIONS.join(', ')}, got '${version}'`);
  const table = loadLvisCategoryTable(version as LvisVersion);
  const buckets = { r: { categories: 0, images: 0, instances: 0 }, c: { categories: 0, images: 0, instances: 0 }, f: { categories: 0, images: 0, instances: 0 } };
  for (const c of table.categories) {
    const b = buckets[c.frequency];
    b.categories++;
    b.images += c.image_count;
    b.instances += c.instance_count ?? 0;
  }
  const hasInstances = table.categories.every((c) => c.instance_count !== null);
  let match: { file: string; categories: number; matching: number; otherIds: number; sameCounts: number } | null = null;
  if (gt) {
    const ds = await loadLvisDataset(gt);
    const byId = new Map(table.categories.map((c) => [c.id, c]));
    let matching = 0, otherIds = 0, sameCounts = 0;
    for (const c of ds.categories) {
      const t = byId.get(c.id);
      if (!t || (c.synset !== undefined ? c.synset !== t.synset : c.name !== t.name)) { otherIds++; continue; }
      matching++;
      if (c.image_count === t.image_count && (t.instance_count === null || c.instance_count === t.instance_count)) sameCounts++;
    }
    match = { file: gt, categories: ds.categories.length, matching, otherIds, sameCounts };
  }
  if (json) {
    process.stdout.write(JSON.stringify({ lvis: version, source: table.source, numTrainImages: table.numTrainImages, categories: table.categories.length, buckets, instanceCounts: hasInstances, match }) + '\n');
    return 0;
  }
  const out = [`LVIS ${version} (training split, ${table.numTrainImages} images): ${table.categories.length} categories; ${table.source}`, ''];
  const rows = [['bucket', 'categories', 'image_count sum', hasInstances ? 'instance_count sum' : 'instance_count']];
  for (const b of ['r', 'c', 'f'] as const) rows.push([b, String(buckets[b].categories), String(buckets[b].images), hasInstances ? String(buckets[b].instances) : 'not published']);
  out.push(...alignedRows(rows));
  if (match) {
    out.push('');
    out.push(`${match.file}: ${match.matching} of ${match.categories} categories are LVIS ${version}'s (same id and synset)${match.otherIds ? `, ${match.otherIds} are not` : ''}; ${match.sameCounts} carry the table's training counts.`);
  }
  process.stdout.write(out.join('\n') + '\n');
  return 0;
}

/** Rows as aligned text: the first column left-aligned, the others right-aligned, two spaces apart. */
function alignedRows(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, k) => Math.max(...rows.map((r) => r[k]!.length)));
  return rows.map((r) => r.map((v, k) => (k === 0 ? v.padEnd(widths[k]!) : v.padStart(widths[k]!))).join('  '));
}
