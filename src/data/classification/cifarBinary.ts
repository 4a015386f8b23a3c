/**
 * Reads CIFAR-10 / CIFAR-100 binary batches (the "binary version" of Krizhevsky's site):
 * CIFAR-10 `data_batch_1.bin` … `data_batch_5.bin` (train) and `test_batch.bin`, records of one label
 * byte + 3,072 pixel bytes (1,024 R, 1,024 G, 1,024 B, row-major 32×32), class names in
 * `batches.meta.txt`; CIFAR-100 `train.bin` / `test.bin`, records of a coarse and a fine label byte +
 * 3,072 pixel bytes, labelled with the fine label, names in `fine_label_names.txt`. The files are
 * looked for in `dir` and in its `cifar-10-batches-bin/` or `cifar-100-binary/` subfolder. Pixels are
 * turned into HWC; `sources` are `<file>#<record>`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BalmsInputError } from '../../util/errors.js';
import { fsInputError } from '../../util/fsErrors.js';
import type { ImageClassificationSet } from './imageSet.js';

const SIDE = 32;
const PLANE = SIDE * SIDE;

/** Where a CIFAR binary split lives: its batch files, label bytes per record, class-name file and class count. */
export interface CifarBinaryLayout {
  readonly files: string[];
  readonly labelBytes: 1 | 2;
  readonly namesFile: string;
  readonly numClasses: number;
}

/** The CIFAR binary layout of `split` in `dir` (or its standard subfolder), or undefined when there is none. */
export function findCifarBinary(dir: string, split: 'train' | 'test'): CifarBinaryLayout | undefined {
  for (const d of [dir, join(dir, 'cifar-10-batches-bin'), join(dir, 'cifar-100-binary')]) {
    const c10 = split === 'train' ? [1, 2, 3, 4, 5].map((i) => join(d, `data_batch_${i}.bin`)) : [join(d, 'test_batch.bin')];
    if (existsSync(c10[0]!)) return { files: c10.filter((f, i) => i === 0 || existsSync(f)), labelBytes: 1, namesFile: join(d, 'batches.meta.txt'), numClasses: 10 };
    const c100 = join(d, `${split}.bin`);
    if (existsSync(c100)) return { files: [c100], labelBytes: 2, namesFile: join(d, 'fine_label_names.txt'), numClasses: 100 };
  }
  return undefined;
}

/** Reads the CIFAR binary `split` found in `dir` (see the file comment). */
export function readCifarBinary(dir: string, split: 'train' | 'test'): ImageClassificationSet {
  const layout = findCifarBinary(dir, split);
  if (!layout) throw new BalmsInputError(`no CIFAR binary ${split} batches (data_batch_1.bin / test_batch.bin, or train.bin / test.bin)`, { file: dir });
  return readCifarBatches(layout);
}

/** Reads the batch files of a layout in order. A file whose length is not a whole number of records is an input error. */
export function readCifarBatches(layout: CifarBinaryLayout): ImageClassificationSet {
  const recordSize = layout.labelBytes + 3 * PLANE;
  const buffers = layout.files.map((f) => {
    const b = readBinary(f);
    if (b.length === 0 || b.length % recordSize !== 0) {
      throw new BalmsInputError(`CIFAR batch is ${b.length} bytes, not a whole number of ${recordSize}-byte records (truncated?)`, { file: f });
    }
    return b;
  });
  const n = buffers.reduce((s, b) => s + b.length / recordSize, 0);
  const pixels = new Uint8Array(n * 3 * PLANE);
  const labels = new Int32Array(n);
  const sources = new Array<string>(n);
  let k = 0;
  buffers.forEach((buf, fi) => {
    const name = layout.files[fi]!.split(/[\\/]/).pop()!;
    for (let r = 0; r * recordSize < buf.length; r++, k++) {
      const at = r * recordSize;
      const label = buf[at + layout.labelBytes - 1]!;
      if (label >= layout.numClasses) throw new BalmsInputError(`label ${label} is outside 0…${layout.numClasses - 1}`, { file: layout.files[fi], path: `record ${r}` });
      labels[k] = label;
      sources[k] = `${name}#${r}`;
      const src = at + layout.labelBytes;
      const dst = k * 3 * PLANE;
      for (let p = 0; p < PLANE; p++) {
        pixels[dst + p * 3] = buf[src + p]!;
        pixels[dst + p * 3 + 1] = buf[src + PLANE + p]!;
        pixels[dst + p * 3 + 2] = buf[src + 2 * PLANE + p]!;
      }
    }
  });
  return { classNames: classNamesOf(layout), height: SIDE, width: SIDE, channels: 3, pixels, labels, sources };
}

/** The class names of the names file (one per line, blank lines dropped), or `0`, `1`, … when it is absent. */
function classNamesOf(layout: CifarBinaryLayout): string[] {
  if (!existsSync(layout.namesFile)) return Array.from({ length: layout.numClasses }, (_, i) => String(i));
  const names = readBinary(layout.namesFile).toString('utf8').split(/\r?\n/).map((l) => l.trim()).filter((l) => l);
  if (names.length !== layout.numClasses) throw new BalmsInputError(`has ${names.length} class names, expected ${layout.numClasses}`, { file: layout.namesFile });
  return names;
}

function readBinary(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw fsInputError(e, file, 'cannot read');
  }
}
