/**
 * Reads an image-folder tree `<root>/<split>/<class>/*.{jpg,jpeg,png,bmp}` (classes sorted by folder
 * name = label order) into an `ImageClassificationSet`, decoding once and caching the pixels.
 * `sources` are the paths relative to `root` (`train/airplane/0000.jpg`), the same as the member
 * paths of a tarball of the tree, so a subset list fits both layouts.
 */
import { readdirSync, statSync, type Stats } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { BalmsInputError } from '../../util/errors.js';
import { fsInputError } from '../../util/fsErrors.js';
import { orderClassFolderFiles, type ClassFolderFile } from './classFolders.js';
import { cachedImageSet, type DecodeCacheOptions } from './decodeCache.js';
import { decodeLabelledImages, IMAGE_FILE_PATTERN, type EncodedImage } from './decodeImages.js';
import type { ImageClassificationSet } from './imageSet.js';

/** Reads `<root>/<split>/<class>/<image>`; see the file comment. */
export async function readImageFolderTree(root: string, split: string, opts: DecodeCacheOptions = {}): Promise<ImageClassificationSet> {
  const splitDir = resolve(root, split);
  const files: ClassFolderFile<{ path: string; stat: Stats }>[] = [];
  const classFolders: string[] = [];
  for (const cls of listDir(splitDir)) {
    const dir = join(splitDir, cls);
    if (cls.startsWith('.') || !stat(dir).isDirectory()) continue;
    classFolders.push(cls);
    for (const name of listDir(dir)) {
      if (name.startsWith('.') || !IMAGE_FILE_PATTERN.test(name)) continue;
      const path = join(dir, name);
      const st = stat(path);
      if (st.isFile()) files.push({ className: cls, fileName: name, item: { path, stat: st } });
    }
  }
  const { classNames, ordered } = orderClassFolderFiles(files, classFolders, { file: splitDir });
  const images: EncodedImage[] = ordered.map(({ label, className, fileName, item }) => ({
    source: `${split}/${className}/${fileName}`,
    label,
    where: { file: item.path },
    bytes: () => readBytes(item.path),
  }));
  const key = [`tree ${splitDir}`, ...ordered.map((o) => `${o.className}/${o.fileName} ${o.item.stat.size} ${Math.floor(o.item.stat.mtimeMs)}`)].join('\n');
  return cachedImageSet(`tree-${split}`, key, opts, () => decodeLabelledImages(images, classNames, opts.log));
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (e) {
    throw fsInputError(e, dir, 'cannot list the folder');
  }
}

function stat(path: string): Stats {
  try {
    return statSync(path);
  } catch (e) {
    throw fsInputError(e, path, 'cannot read');
  }
}

async function readBytes(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (e) {
    const err = fsInputError(e, path, 'cannot read the image');
    throw err instanceof BalmsInputError ? err : new BalmsInputError(`cannot read the image: ${String(e)}`, { file: path });
  }
}
