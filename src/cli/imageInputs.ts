/**
 * The images a model command runs on: files and folders from the command line, or the images of a
 * ground-truth file, turned into a `DetectionDataset` without annotations whose categories are the
 * checkpoint's training categories (so contiguous class c maps to the right category id).
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, relative, resolve, sep } from 'node:path';
import type { LvisCategory, LvisDataset, LvisImage } from '../coco/index.js';
import { DetectionDataset, imageFileSize, sizeMismatch } from '../data/index.js';
import type { CheckpointCategory } from '../engine/index.js';
import { BalmsInputError } from '../util/errors.js';

export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.bmp', '.gif', '.tif', '.tiff'];

/** Expands `--images` arguments: a folder gives its image files (sorted by name, not recursive), a file itself. */
export function collectImageFiles(args: readonly string[]): string[] {
  const out: string[] = [];
  for (const a of args) {
    const p = resolve(a);
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new BalmsInputError('no such file or folder', { file: a, path: '--images' });
    }
    if (st.isDirectory()) {
      const files = readdirSync(p)
        .filter((f) => IMAGE_EXTENSIONS.includes(extname(f).toLowerCase()))
        .sort()
        .map((f) => resolve(p, f))
        .filter((f) => statSync(f).isFile());
      if (!files.length) throw new BalmsInputError(`no image files (${IMAGE_EXTENSIONS.join(' ')}) in the folder`, { file: a, path: '--images' });
      out.push(...files);
    } else {
      out.push(p);
    }
  }
  const seen = new Set<string>();
  return out.filter((f) => (seen.has(f) ? false : (seen.add(f), true)));
}

function commonDir(files: readonly string[]): string {
  let dir = dirname(files[0]!);
  for (const f of files) {
    while (relative(dir, f).startsWith('..') || relative(dir, f).split(sep)[0] === '..') dir = dirname(dir);
  }
  return dir;
}

/** The image's file name as a ground truth names it (`file_name`, else the last part of `coco_url`). */
export function gtFileName(im: LvisImage): string | undefined {
  return im.file_name !== undefined ? basename(im.file_name) : im.coco_url ? basename(new URL(im.coco_url, 'file:///').pathname) : undefined;
}

export interface ImageInputs {
  dataset: DetectionDataset;
  /** Per image (dataset order): its id, file and whether the id came from the ground truth. */
  images: { id: number; file: string; height: number; width: number; fromGt: boolean }[];
}

function asCategories(categories: readonly CheckpointCategory[]): LvisCategory[] {
  return categories.map((c) => ({ id: c.id, name: c.name, ...(c.frequency ? { frequency: c.frequency as LvisCategory['frequency'] } : {}) }));
}

/**
 * Image files to a dataset. An image whose file name matches a ground-truth image (`gt`) takes its id
 * and size; the others get sequential ids after the largest ground-truth id (from 1 without `gt`),
 * in the order given, and their upright size from the file's header (the pixels are decoded later,
 * once). Every file's header is read first, so an unreadable or truncated file, or one whose size is
 * not its ground truth's, stops before any model work.
 */
export async function imagesFromFiles(files: readonly string[], categories: readonly CheckpointCategory[], gt?: LvisDataset): Promise<ImageInputs> {
  if (!files.length) throw new BalmsInputError('no images given (--images DIR|FILE)');
  const byName = new Map<string, LvisImage>();
  for (const im of gt?.images ?? []) {
    const n = gtFileName(im);
    if (n !== undefined) byName.set(n, im);
  }
  let nextId = Math.max(0, ...(gt?.images ?? []).map((im) => im.id)) + 1;
  const root = commonDir(files);
  const images: ImageInputs['images'] = [];
  const used = new Set<number>();
  for (const file of files) {
    let size;
    try {
      size = await imageFileSize(file);
    } catch (e) {
      throw new BalmsInputError(`cannot decode image: ${(e as Error).message.split('\n')[0]}`, { file });
    }
    const g = byName.get(basename(file));
    if (g && !used.has(g.id)) {
      const wrong = sizeMismatch(size, g.height, g.width);
      if (wrong) throw new BalmsInputError(wrong, { file, path: `--gt images id ${g.id}` });
      used.add(g.id);
      images.push({ id: g.id, file, height: g.height, width: g.width, fromGt: true });
      continue;
    }
    images.push({ id: nextId++, file, height: size.height, width: size.width, fromGt: false });
  }
  const dataset: LvisDataset = {
    images: images.map((im) => ({ id: im.id, height: im.height, width: im.width, file_name: relative(root, im.file) })),
    annotations: [],
    categories: asCategories(categories),
  };
  return { dataset: new DetectionDataset(dataset, root), images };
}

/** The images of a ground truth, read from `imageDir`, as a dataset with the checkpoint's categories. */
export function imagesFromGroundTruth(gt: LvisDataset, imageDir: string, categories: readonly CheckpointCategory[], file?: string): DetectionDataset {
  const dataset: LvisDataset = {
    images: gt.images.map((im) => ({ id: im.id, height: im.height, width: im.width, file_name: im.file_name, coco_url: im.coco_url })),
    annotations: [],
    categories: asCategories(categories),
  };
  return new DetectionDataset(dataset, imageDir, file);
}
