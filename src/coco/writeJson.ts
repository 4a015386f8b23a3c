import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { ensureDir, tempPathFor } from '../util/atomicWrite.js';
import { fsInputError } from '../util/fsErrors.js';

/**
 * Writes a JSON object or array atomically (temp file in the same folder, then rename), without
 * building the whole text as one string: top-level arrays are serialized element by element and
 * flushed in ~8 MiB pieces, so datasets past V8's string limit can be written. The output is
 * compact JSON that `JSON.parse` reads back to an equal value.
 */
export function writeJsonFileAtomic(path: string, value: Record<string, unknown> | unknown[]): void {
  ensureDir(dirname(path));
  const tmp = tempPathFor(path);
  let fd: number;
  try {
    fd = openSync(tmp, 'w');
  } catch (e) {
    throw fsInputError(e, path, 'cannot write');
  }
  let ok = false;
  try {
    const parts: string[] = [];
    let size = 0;
    const put = (s: string): void => {
      parts.push(s);
      size += s.length;
      if (size >= 8 << 20) flush();
    };
    const flush = (): void => {
      if (parts.length === 0) return;
      writeSync(fd, parts.join(''));
      parts.length = 0;
      size = 0;
    };
    const putArray = (arr: unknown[]): void => {
      put('[');
      for (let i = 0; i < arr.length; i++) {
        const s = JSON.stringify(arr[i]);
        put(i === 0 ? (s ?? 'null') : ',' + (s ?? 'null'));
      }
      put(']');
    };
    if (Array.isArray(value)) putArray(value);
    else {
      put('{');
      let first = true;
      for (const [k, v] of Object.entries(value)) {
        if (v === undefined || typeof v === 'function') continue;
        put((first ? '' : ',') + JSON.stringify(k) + ':');
        first = false;
        if (Array.isArray(v)) putArray(v);
        else put(JSON.stringify(v));
      }
      put('}');
    }
    put('\n');
    flush();
    fsyncSync(fd);
    ok = true;
  } catch (e) {
    throw fsInputError(e, path, 'cannot write');
  } finally {
    closeSync(fd);
    if (!ok) rmSync(tmp, { force: true });
  }
  try {
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw fsInputError(e, path, 'cannot write');
  }
}
