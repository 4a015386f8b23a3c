/**
 * File-system failures a user causes (a missing folder, an output path that is a folder, a file in
 * the way of a folder, a symlink loop, a full disk) turned into `BalmsInputError`s naming the path
 * the user gave, instead of Node's errno errors (which name temp files and end in a stack trace).
 */
import { BalmsInputError } from './errors.js';

const PROBLEMS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or folder',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'is a folder, not a file',
  EEXIST: 'a file is in the way where a folder is needed',
  ENOTEMPTY: 'the folder is not empty',
  ELOOP: 'too many levels of symbolic links (a symlink loop)',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENAMETOOLONG: 'file name too long',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  EXDEV: 'cannot move across file systems',
  EBUSY: 'the file is busy',
  EIO: 'input/output error',
  ENULBYTE: 'the path contains a NUL byte',
};

/** The errno code of a Node file-system error (undefined for anything else). */
export function errnoCode(e: unknown): string | undefined {
  const code = (e as NodeJS.ErrnoException | null | undefined)?.code;
  if (code === 'ERR_INVALID_ARG_VALUE' && /null bytes/.test((e as Error).message)) return 'ENULBYTE';
  return typeof code === 'string' && /^E[A-Z]+$/.test(code) ? code : undefined;
}

/**
 * `e` as a `BalmsInputError` about `file` when it is a file-system error (`action`: what balms was
 * doing, e.g. "cannot write"); any other error is returned unchanged.
 */
export function fsInputError(e: unknown, file: string, action: string): unknown {
  if (e instanceof BalmsInputError) return e;
  const code = errnoCode(e);
  if (!code) return e;
  return new BalmsInputError(`${action}: ${PROBLEMS[code] ?? 'file-system error'}${code === 'ENULBYTE' ? '' : ` (${code})`}`, { file });
}
