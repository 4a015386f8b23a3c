/**
 * Reads the `<split>/<class>/<image>` tree of a split from a (gzipped) tarball, e.g.
 * `cifar10_train_jpeg.tar.gz` holding `train/airplane/0000.jpg` …, without extracting it. Members
 * may sit under a leading folder (`cifar10/train/…`). Labels, order and `sources`
 * (`train/airplane/0000.jpg`) are those of the same tree read from disk. Decoded once, then cached
 * under a key of the tarball's path, size and mtime (a cache hit does not even inflate it).
 */
import { statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { BalmsInputError } from '../../util/errors.js';
import { fsInputError } from '../../util/fsErrors.js';
import { orderClassFolderFiles, type ClassFolderFile } from './classFolders.js';
import { cachedImageSet, type DecodeCacheOptions } from './decodeCache.js';
import { decodeLabelledImages, IMAGE_FILE_PATTERN, type EncodedImage } from './decodeImages.js';
import type { ImageClassificationSet } from './imageSet.js';
import { readTarGz } from './tarGz.js';

/** Reads the images of `split` from the tarball `tarPath`; see the file comment. */
export async function readImageTarball(tarPath: string, split: string, opts: DecodeCacheOptions = {}): Promise<ImageClassificationSet> {
  const file = resolve(tarPath);
  let key: string;
  try {
    const st = statSync(file);
    key = `tarball ${file} ${st.size} ${Math.floor(st.mtimeMs)} ${split}`;
  } catch (e) {
    throw fsInputError(e, file, 'cannot read the tarball');
  }
  return cachedImageSet(`${basename(file).replace(/\.(tar\.gz|tgz|tar)$/i, '')}-${split}`, key, opts, async () => {
    const { classNames, images } = await listTarballSplit(file, split);
    return decodeLabelledImages(images, classNames, opts.log);
  });
}

/** The images of `split` in a tarball, in label order, with their class names (nothing decoded). */
export async function listTarballSplit(file: string, split: string): Promise<{ classNames: string[]; images: EncodedImage[] }> {
  const entries = await readTarGz(file);
  const files: ClassFolderFile<Uint8Array>[] = [];
  const classFolders: string[] = [];
  let prefix: string | undefined;
  for (const e of entries) {
    const parts = e.name.replace(/^\.\//, '').split('/');
    const at = parts.length - (e.kind === 'file' ? 3 : 2); // <prefix…>/<split>/<class>[/<image>]
    if (at < 0 || parts[at] !== split) continue;
    const rest = parts.slice(at + 1);
    const here = parts.slice(0, at).join('/');
    if (prefix === undefined) prefix = here;
    else if (prefix !== here) throw new BalmsInputError(`tarball holds two "${split}" trees (under "${prefix}/" and "${here}/")`, { file });
    if (rest[0]!.startsWith('.')) continue;
    if (e.kind === 'directory') classFolders.push(rest[0]!);
    else if (IMAGE_FILE_PATTERN.test(rest[1]!) && !rest[1]!.startsWith('.')) {
      files.push({ className: rest[0]!, fileName: rest[1]!, item: e.data });
      classFolders.push(rest[0]!);
    }
  }
  if (prefix === undefined) throw new BalmsInputError(`tarball has no ${split}/<class>/<image> members`, { file });
  const { classNames, ordered } = orderClassFolderFiles(files, classFolders, { file, path: `${prefix ? `${prefix}/` : ''}${split}/` });
  const images = ordered.map(({ label, className, fileName, item }) => {
    const source = `${split}/${className}/${fileName}`;
    return { source, label, where: { file, path: `${prefix ? `${prefix}/` : ''}${source}` }, bytes: () => Promise.resolve(item) };
  });
  return { classNames, images };
}
