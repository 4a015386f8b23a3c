/**
 * Reads MNIST-style idx files: `<prefix>-images-idx3-ubyte` (N×H×W, grey) or `-idx4-ubyte`
 * (N×H×W×C, C 1 or 3) with `<prefix>-labels-idx1-ubyte`, each optionally gzipped (`.gz`) and with
 * `.` or `-` before `idx`; the prefix is `train`, and `t10k` or `test` for the test split. Class names
 * are `0` … `max label`; `sources` are `<images file without .gz>#<record>`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { BalmsInputError } from '../../util/errors.js';
import { fsInputError } from '../../util/fsErrors.js';
import type { ImageClassificationSet } from './imageSet.js';

/** The images and labels files of `split` in `dir`, or undefined when there are none. */
export function findIdxFiles(dir: string, split: 'train' | 'test'): { images: string; labels: string } | undefined {
  if (!existsSync(dir)) return undefined;
  const names = readdirSync(dir);
  const prefix = split === 'train' ? '(train)' : '(t10k|test)';
  const find = (kind: string, dims: string) => names.find((n) => new RegExp(`^${prefix}-${kind}[.-]idx${dims}-ubyte(\\.gz)?$`).test(n));
  const images = find('images', '[34]');
  const labels = find('labels', '1');
  return images && labels ? { images: join(dir, images), labels: join(dir, labels) } : undefined;
}

/** Reads the idx `split` found in `dir` (see the file comment). */
export function readIdxSplit(dir: string, split: 'train' | 'test'): ImageClassificationSet {
  const files = findIdxFiles(dir, split);
  if (!files) throw new BalmsInputError(`no idx ${split} files (${split === 'train' ? 'train' : 't10k'}-images-idx3-ubyte and -labels-idx1-ubyte, optionally .gz)`, { file: dir });
  return readIdxFiles(files.images, files.labels);
}

/** Reads an idx images file and its labels file. */
export function readIdxFiles(imagesFile: string, labelsFile: string): ImageClassificationSet {
  const img = readIdx(imagesFile);
  const lab = readIdx(labelsFile);
  if (img.dims.length !== 3 && !(img.dims.length === 4 && (img.dims[3] === 1 || img.dims[3] === 3))) {
    throw new BalmsInputError(`images file has dimensions ${img.dims.join('×')}; expected N×H×W or N×H×W×C with C 1 or 3`, { file: imagesFile });
  }
  if (lab.dims.length !== 1) throw new BalmsInputError(`labels file has dimensions ${lab.dims.join('×')}; expected N`, { file: labelsFile });
  const [n, height, width] = img.dims as [number, number, number];
  if (lab.dims[0] !== n) throw new BalmsInputError(`has ${lab.dims[0]} labels but ${imagesFile} has ${n} images`, { file: labelsFile });
  const labels = Int32Array.from(lab.data);
  const numClasses = labels.reduce((m, l) => Math.max(m, l + 1), 0);
  const name = imagesFile.split(/[\\/]/).pop()!.replace(/\.gz$/i, '');
  return {
    classNames: Array.from({ length: numClasses }, (_, i) => String(i)),
    height,
    width,
    channels: img.dims.length === 4 ? (img.dims[3] as 1 | 3) : 1,
    pixels: img.data,
    labels,
    sources: Array.from({ length: n }, (_, i) => `${name}#${i}`),
  };
}

/** An unsigned-byte idx file: its dimensions and data (gunzipped when it starts with the gzip magic). */
export function readIdx(file: string): { dims: number[]; data: Uint8Array } {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (e) {
    throw fsInputError(e, file, 'cannot read');
  }
  if (buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      buf = gunzipSync(buf);
    } catch (e) {
      throw new BalmsInputError(`not a readable gzip file (${(e as Error).message})`, { file });
    }
  }
  if (buf.length < 4 || buf[0] !== 0 || buf[1] !== 0) throw new BalmsInputError('not an idx file (bad magic number)', { file });
  if (buf[2] !== 0x08) throw new BalmsInputError(`idx data type 0x${buf[2]!.toString(16)} is not unsigned byte (0x08)`, { file });
  const rank = buf[3]!;
  const start = 4 + 4 * rank;
  if (buf.length < start) throw new BalmsInputError('idx header is truncated', { file });
  const dims = Array.from({ length: rank }, (_, i) => buf.readUInt32BE(4 + 4 * i));
  const size = dims.reduce((a, b) => a * b, 1);
  if (buf.length !== start + size) {
    throw new BalmsInputError(`idx file holds ${buf.length - start} data bytes but its header (${dims.join('×')}) needs ${size}${buf.length < start + size ? ' (truncated?)' : ''}`, { file });
  }
  return { dims, data: new Uint8Array(buf.buffer, buf.byteOffset + start, size) };
}
