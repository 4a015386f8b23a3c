/**
 * The label order of an image-folder layout (`<split>/<class>/<image>`): classes sorted by folder
 * name (label = position), images sorted by file name within a class. Shared by the tree and the
 * tarball readers so both give the same labels, order and `sources` for the same files.
 */
import { BalmsInputError } from '../../util/errors.js';

/** One image file found under a class folder. */
export interface ClassFolderFile<T> {
  readonly className: string;
  readonly fileName: string;
  readonly item: T;
}

/** Byte-order comparison (not locale-dependent, so the label order is the same everywhere). */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Orders `files` by class then file name, labelling classes by their sorted folder names. Every
 * folder in `classFolders` is a class and must hold at least one image (`where` names the split
 * folder in the error).
 */
export function orderClassFolderFiles<T>(
  files: readonly ClassFolderFile<T>[],
  classFolders: readonly string[],
  where: { file: string; path?: string },
): { classNames: string[]; ordered: { label: number; className: string; fileName: string; item: T }[] } {
  const classNames = [...new Set(classFolders)].sort(compareNames);
  if (classNames.length === 0) throw new BalmsInputError('no class folders (expected <split>/<class>/<image>)', where);
  const label = new Map(classNames.map((c, i) => [c, i]));
  const counts = new Int32Array(classNames.length);
  const ordered = files.map((f) => {
    const l = label.get(f.className);
    if (l === undefined) throw new BalmsInputError(`image ${f.fileName} is in ${f.className}, which is not a class folder`, where);
    counts[l]!++;
    return { label: l, className: f.className, fileName: f.fileName, item: f.item };
  });
  const empty = classNames.findIndex((_, i) => counts[i] === 0);
  if (empty >= 0) throw new BalmsInputError(`class folder "${classNames[empty]}" holds no images (.jpg, .jpeg, .png, .bmp)`, where);
  ordered.sort((a, b) => a.label - b.label || compareNames(a.fileName, b.fileName));
  return { classNames, ordered };
}
