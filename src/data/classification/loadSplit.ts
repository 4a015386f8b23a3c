/**
 * One entry point for a classification split on disk: finds which layout `root` holds and reads it.
 * Layouts, in the order they are tried:
 *  1. an image-folder tree `<root>/<split>/<class>/*.{jpg,jpeg,png,bmp}`;
 *  2. CIFAR-10 / CIFAR-100 binary batches in `root` (or its `cifar-10-batches-bin/` / `cifar-100-binary/`);
 *  3. idx files (`train-images-idx3-ubyte[.gz]`, `t10k-…`);
 *  4. a gzipped tarball holding the tree: `root` itself, or the one `*.tar.gz` / `*.tgz` in `root` whose
 *     name has `<split>` as a word (`cifar10_train_jpeg.tar.gz`), or the only tarball there.
 * Encoded images (1 and 4) are decoded once and cached under `opts.cacheDir`.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BalmsInputError } from '../../util/errors.js';
import { readCifarBinary, findCifarBinary } from './cifarBinary.js';
import type { DecodeCacheOptions } from './decodeCache.js';
import { findIdxFiles, readIdxSplit } from './idxFiles.js';
import { readImageFolderTree } from './imageFolderTree.js';
import type { ImageClassificationSet } from './imageSet.js';
import { readImageTarball } from './imageTarball.js';
import { isTarGzName } from './tarGz.js';

export type ClassificationSplit = 'train' | 'test';

/** Reads `split` of the data set in `root`, whatever its layout (see the file comment). */
export async function loadClassificationSplit(root: string, split: ClassificationSplit, opts: DecodeCacheOptions = {}): Promise<ImageClassificationSet> {
  const dir = resolve(root);
  if (!existsSync(dir)) throw new BalmsInputError('no such data folder', { file: dir });
  if (statSync(dir).isFile()) {
    if (isTarGzName(dir)) return readImageTarball(dir, split, opts);
    throw new BalmsInputError('expected a data folder or a .tar.gz tarball', { file: dir });
  }
  const log = opts.log;
  if (existsSync(join(dir, split)) && statSync(join(dir, split)).isDirectory()) {
    log?.(`${split}: image-folder tree ${join(dir, split)}`);
    return readImageFolderTree(dir, split, opts);
  }
  if (findCifarBinary(dir, split)) {
    log?.(`${split}: CIFAR binary batches in ${dir}`);
    return readCifarBinary(dir, split);
  }
  if (findIdxFiles(dir, split)) {
    log?.(`${split}: idx files in ${dir}`);
    return readIdxSplit(dir, split);
  }
  const tarball = splitTarball(dir, split);
  log?.(`${split}: tarball ${tarball}`);
  return readImageTarball(tarball, split, opts);
}

/** The tarball of `split` in `dir` (see layout 4); none, or several that fit, is an input error. */
function splitTarball(dir: string, split: ClassificationSplit): string {
  const tarballs = readdirSync(dir).filter(isTarGzName).sort();
  const word = new RegExp(`(^|[^a-z0-9])${split}([^a-z0-9]|$)`, 'i');
  const named = tarballs.filter((t) => word.test(t));
  if (named.length === 1) return join(dir, named[0]!);
  if (named.length > 1) throw new BalmsInputError(`several tarballs could hold the ${split} split: ${named.join(', ')}`, { file: dir });
  if (tarballs.length === 1) return join(dir, tarballs[0]!);
  throw new BalmsInputError(
    `found no ${split} data: expected ${split}/<class>/<image> folders, CIFAR binary batches, idx files or a ${split} .tar.gz` +
      (tarballs.length ? ` (tarballs here, none named for ${split}: ${tarballs.join(', ')})` : ''),
    { file: dir },
  );
}
