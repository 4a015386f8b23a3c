import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { fsInputError } from './fsErrors.js';

/** The temp file a write of `path` goes through: `.<name>.<pid>.<time>.tmp` in the same folder. */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
}

/** Creates a folder (and its parents); a file in the way is an input error naming `dir`. */
export function ensureDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw fsInputError(e, dir, 'cannot create the folder');
  }
}

/**
 * Writes a file so that readers never see it half-written: data goes to a temp file in the same
 * folder, flushed to disk, then `rename` swaps it in (atomic on POSIX). On failure the temp file is
 * removed and a file-system problem is an input error naming `path`. A process killed mid-write
 * leaves only its temp file behind; the next write of the same path clears it ({@link removeStaleTempFiles}).
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  ensureDir(dirname(path));
  removeStaleTempFiles(path);
  const tmp = tempPathFor(path);
  try {
    const fd = openSync(tmp, 'w');
    try {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      let off = 0;
      while (off < bytes.byteLength) off += writeSync(fd, bytes, off, bytes.byteLength - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw fsInputError(e, path, 'cannot write');
  }
}

/**
 * Removes the temp files that writes of `path` left behind when their process was killed
 * (`.<name>.<pid>.<time>.tmp` whose pid is no longer running). Returns the names removed.
 */
export function removeStaleTempFiles(path: string): string[] {
  const dir = dirname(path);
  const prefix = `.${basename(path)}.`;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const m = /^(\d+)\.\d+\.tmp$/.exec(name.slice(prefix.length));
    if (!m || processAlive(Number(m[1]))) continue;
    rmSync(join(dir, name), { force: true });
    removed.push(name);
  }
  return removed;
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return false; // our own leftovers: no write of ours is in flight while we clean
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
