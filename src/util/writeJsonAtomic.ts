import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { ensureDir, removeStaleTempFiles, tempPathFor, writeFileAtomic } from './atomicWrite.js';
import { fsInputError } from './fsErrors.js';

export interface JsonWriteOptions {
  /** Pretty-print with this many spaces (`JSON.stringify`'s `space`); absent: compact. */
  indent?: number;
}

/**
 * The one atomic JSON writer: `value` as JSON plus a newline, through a temp file in the same
 * folder and a rename ({@link writeFileAtomic}'s contract). Compact output of an object or array
 * is never built as one string: top-level arrays (and arrays that are values of a top-level
 * object) are serialized element by element and flushed in ~8 MiB pieces, so datasets past V8's
 * string limit can be written; the bytes are those of `JSON.stringify(value) + '\n'`. With
 * `indent` the text is `JSON.stringify(value, null, indent) + '\n'`.
 */
export function writeJsonFileAtomic(path: string, value: unknown, opts: JsonWriteOptions = {}): void {
  if (opts.indent !== undefined || value === null || typeof value !== 'object') {
    writeFileAtomic(path, JSON.stringify(value, null, opts.indent) + '\n');
    return;
  }
  writeJsonStreaming(path, value as Record<string, unknown> | unknown[]);
}

function writeJsonStreaming(path: string, value: Record<string, unknown> | unknown[]): void {
  ensureDir(dirname(path));
  removeStaleTempFiles(path);
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
