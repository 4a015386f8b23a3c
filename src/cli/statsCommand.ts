import type { Command } from './command.js';
import { parseCli } from './parseCli.js';
import { BalmsInputError } from '../util/errors.js';
import { categoryStats, loadLvisDataset, type DatasetStats } from '../coco/index.js';

const usage = `Usage: balms stats --gt GT.json [--json] [--max-mismatches N]

Loads and validates an LVIS/COCO annotation file (any size; streamed) and prints, per frequency
bucket (r = 1-10 training images, c = 11-100, f > 100), the number of categories and annotations,
and every category whose own image_count / instance_count / frequency fields differ from the
values recomputed from the annotations. (LVIS val files carry the training counts, so there they
all differ by design.)

Options:
  --gt FILE            annotation file (required)
  --json               print one JSON object (all categories and mismatches) instead of a table
  --max-mismatches N   mismatches listed in the table (default 20)
`;

export const statsCommand: Command = {
  name: 'stats',
  usage,
  async run(argv) {
    const { values } = parseCliArgs(argv);
    const gt = values.gt;
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
  return parseCli(argv, { gt: { type: 'string' }, json: { type: 'boolean' }, 'max-mismatches': { type: 'string' } });
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
  const widths = rows[0]!.map((_, k) => Math.max(...rows.map((r) => r[k]!.length)));
  for (const r of rows) out.push(r.map((v, k) => (k === 0 ? v.padEnd(widths[k]!) : v.padStart(widths[k]!))).join('  '));
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
