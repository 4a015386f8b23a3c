import type { Command } from './command.js';
import { intArg, parseCli } from './parseCli.js';
import { BalmsInputError } from '../util/errors.js';
import { loadLvisDataset, makeSubset, type SubsetOptions } from '../coco/index.js';
import { writeJsonFileAtomic } from '../util/writeJsonAtomic.js';
import type { Frequency } from '../coco/types.js';

const usage = `Usage: balms subset --gt GT.json --out SUB.json [options]

Carves a consistent LVIS subset: keeps the chosen categories and images and their annotations,
restricts neg_category_ids / not_exhaustive_category_ids to kept categories, and recomputes
image_count, instance_count and frequency. With a category filter, only images with a positive
or negative label of a kept category are kept. Deterministic for a given --seed. The output is
written atomically.

Options:
  --gt FILE             annotation file (required)
  --out FILE            output file (required)
  --categories LIST     comma-separated category ids or names (e.g. 1,2,3 or apple,banana)
  --per-bucket SPEC     draw categories per frequency bucket, e.g. r=10,c=20,f=30
  --images N            draw at most N images
  --seed S              seed of the draws (default 0)
  --keep-all-images     with a category filter, keep images without labels of kept categories
  --keep-frequency      keep the file's frequency fields (counts are still recomputed)
`;

export const subsetCommand: Command = {
  name: 'subset',
  usage,
  async run(argv) {
    const { values } = parseCliArgs(argv);
    if (!values.gt) throw new BalmsInputError('missing --gt FILE (see balms subset --help)');
    if (!values.out) throw new BalmsInputError('missing --out FILE (see balms subset --help)');
    const opts: SubsetOptions = {
      seed: values.seed === undefined ? 0 : intArg('--seed', values.seed),
      keepAllImages: values['keep-all-images'] ?? false,
      keepFrequency: values['keep-frequency'] ?? false,
    };
    if (values.categories !== undefined) {
      const list = values.categories.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
      if (list.length === 0) throw new BalmsInputError('--categories: empty list');
      opts.categories = list.map((s) => (/^\d+$/.test(s) ? Number(s) : s));
    }
    if (values['per-bucket'] !== undefined) opts.perBucket = parsePerBucket(values['per-bucket']);
    if (values.images !== undefined) opts.images = intArg('--images', values.images);
    const ds = await loadLvisDataset(values.gt);
    let sub;
    try {
      sub = makeSubset(ds, opts);
    } catch (e) {
      if (e instanceof BalmsInputError && e.path) {
        const flag = e.path.startsWith('categories') ? '--categories' : e.path.startsWith('perBucket') ? '--per-bucket' : '--images';
        throw new BalmsInputError(`${flag}: ${e.problem}`);
      }
      throw e;
    }
    writeJsonFileAtomic(values.out, sub);
    process.stderr.write(`balms subset: wrote ${values.out}: ${sub.images.length} images, ${sub.annotations.length} annotations, ${sub.categories.length} categories\n`);
    return 0;
  },
};

function parseCliArgs(argv: string[]) {
  return parseCli(argv, {
    gt: { type: 'string' },
    out: { type: 'string' },
    categories: { type: 'string' },
    'per-bucket': { type: 'string' },
    images: { type: 'string' },
    seed: { type: 'string' },
    'keep-all-images': { type: 'boolean' },
    'keep-frequency': { type: 'boolean' },
  });
}

/** `r=10,c=20,f=30` (any subset of the three buckets). */
export function parsePerBucket(spec: string): Partial<Record<Frequency, number>> {
  const out: Partial<Record<Frequency, number>> = {};
  for (const part of spec.split(',')) {
    const m = /^\s*([rcf])\s*=\s*(\d+)\s*$/.exec(part);
    if (!m) throw new BalmsInputError(`--per-bucket: expected r=N,c=N,f=N, got '${spec}'`);
    const b = m[1] as Frequency;
    if (out[b] !== undefined) throw new BalmsInputError(`--per-bucket: bucket ${b} given twice`);
    out[b] = Number(m[2]);
  }
  return out;
}
