import { open, readFile, stat } from 'node:fs/promises';
import { constants as bufferConstants } from 'node:buffer';
import { BalmsInputError } from '../util/errors.js';
import { MAX_JSON_NESTING } from '../util/jsonText.js';
import { fsInputError } from '../util/fsErrors.js';
import type { LvisDataset, DetectionResult } from './types.js';
import { JsonStreamSyntaxError, lineColumnAt, scanJsonFile } from './jsonStream.js';
import { LvisIndex } from './lvisIndex.js';
import { validateDataset, type ValidateDatasetOptions } from './validateDataset.js';
import { validateResults, type ResultsGroundTruth, type ValidateResultsOptions } from './validateResults.js';
import { columnsFromObjects, type ResultColumns } from './resultColumns.js';
import { scanResultColumns } from './scanResultColumns.js';

export interface LoadJsonOptions {
  /** Bytes per read (default 8 MiB). */
  chunkSize?: number;
  /**
   * Files up to this many bytes are read whole and parsed by one native `JSON.parse` (about twice
   * as fast as streaming); larger ones are streamed (256 MiB is well below V8's string limit).
   * Either way the result and the error messages are the same: a file the fast path rejects is
   * read again by the streaming parser, which names the record, line and column. Default 256 MiB,
   * or 0 (always stream) when only `chunkSize` is given.
   */
  fastPathMaxBytes?: number;
}

const FAST_PATH_MAX_BYTES = 256 * 1024 * 1024;

/**
 * Reads a JSON file of any size (including files past V8's ~512 MiB string limit) whose root is
 * an object or an array, streaming every top-level array element by element. Syntax errors become
 * a `BalmsInputError` with the file, the record (`annotations[812]`), line, column and byte offset.
 */
export async function loadJsonFile(path: string, opts: LoadJsonOptions = {}): Promise<unknown> {
  let root: Record<string, unknown> | unknown[] | undefined;
  let current: unknown[] = [];
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new BalmsInputError('not a regular file', { file: path });
    const fastMax = opts.fastPathMaxBytes ?? (opts.chunkSize !== undefined ? 0 : FAST_PATH_MAX_BYTES);
    if (st.size <= fastMax) {
      const parsed = parseWhole(await readFile(path));
      if (parsed !== undefined) return parsed;
    }
    await scanJsonFile(
      path,
      {
        onRoot(kind) {
          root = kind === 'array' ? [] : {};
        },
        onArrayStart(key) {
          current = key === null ? (root as unknown[]) : [];
          if (key !== null) setKey(root as Record<string, unknown>, key, current, path);
        },
        onElements(_key, elements) {
          const arr = current;
          for (let k = 0; k < elements.length; k++) arr.push(elements[k]);
        },
        onValue(key, value) {
          setKey(root as Record<string, unknown>, key, value, path);
        },
      },
      { chunkSize: opts.chunkSize },
    );
  } catch (e) {
    throw await toInputError(e, path);
  }
  return root;
}

/**
 * `JSON.parse` of a whole file whose root is an object or an array, or undefined when the streaming
 * parser must look at it: a syntax error, another root, a repeated top-level key (which
 * `JSON.parse` would silently resolve to the last one), or nesting deeper than `MAX_JSON_NESTING`
 * (which the streaming parser reports by its path).
 */
function parseWhole(bytes: Buffer): unknown {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  if (needsStreamingParser(bytes, !Array.isArray(value))) return undefined;
  return value;
}

/**
 * One pass over valid JSON bytes: whether it nests deeper than `MAX_JSON_NESTING`, or (`objectRoot`)
 * whether its top-level object names a key twice (keys at depth 1 only).
 */
function needsStreamingParser(b: Uint8Array, objectRoot: boolean): boolean {
  const keys = new Set<string>();
  let depth = 0;
  let expectKey = false;
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if (c === 0x22) {
      // A string: find its end (escapes skip one byte).
      const start = i + 1;
      let j = start;
      while (b[j] !== 0x22) j += b[j] === 0x5c ? 2 : 1;
      if (objectRoot && depth === 1 && expectKey) {
        const key = JSON.parse(Buffer.from(b.buffer, b.byteOffset + i, j + 1 - i).toString('utf8')) as string;
        if (keys.has(key)) return true;
        keys.add(key);
        expectKey = false;
      }
      i = j;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > MAX_JSON_NESTING) return true;
      if (depth === 1) expectKey = true;
    } else if (c === 0x7d || c === 0x5d) depth--;
    else if (c === 0x2c && depth === 1) expectKey = true;
  }
  return false;
}

function setKey(obj: Record<string, unknown>, key: string, value: unknown, file: string): void {
  if (Object.prototype.hasOwnProperty.call(obj, key)) throw new BalmsInputError(`duplicate top-level key "${key}"`, { file, path: key });
  // defineProperty, as JSON.parse does, so that a "__proto__" key stays plain data.
  Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
}

async function toInputError(e: unknown, file: string): Promise<unknown> {
  if (e instanceof BalmsInputError) return e;
  if (e instanceof JsonStreamSyntaxError) {
    let where = `byte offset ${e.offset}`;
    try {
      const { line, column } = await lineColumnAt(file, e.offset);
      where = `line ${line}, column ${column} (byte offset ${e.offset})`;
    } catch {
      /* keep the byte offset */
    }
    return new BalmsInputError(`${e.problem} at ${where}`, { file, path: e.path });
  }
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return new BalmsInputError('no such file', { file });
  return fsInputError(e, file, 'cannot read the file');
}

export interface LoadDatasetOptions extends LoadJsonOptions, ValidateDatasetOptions {}

/** Streams and validates an LVIS (v0.5/v1) or COCO annotation file of any size. */
export async function loadLvisDataset(path: string, opts: LoadDatasetOptions = {}): Promise<LvisDataset> {
  const obj = await loadJsonFile(path, opts);
  return validateDataset(obj, path, opts);
}

export interface LoadResultsOptions extends LoadJsonOptions, ValidateResultsOptions {}

/**
 * Streams and validates a detection results file (a top-level array, bbox or segm). With `gt`,
 * image and category ids and RLE sizes are checked against the ground truth.
 */
export async function loadResults(path: string, gt?: LvisIndex | ResultsGroundTruth, opts: LoadResultsOptions = {}): Promise<DetectionResult[]> {
  const arr = await loadJsonFile(path, opts);
  return validateResults(arr, gt, path, opts);
}

/**
 * A detection results file as typed columns (what the evaluator reads), with `loadResults`'
 * checks and messages. The file is read into one buffer (no string: V8's string limit does not
 * apply; up to `buffer.constants.MAX_LENGTH`, 4 GiB) and scanned without an object per detection;
 * a file the scanner does not take (any error, or a rare form) goes through `loadResults`, whose
 * errors name the record, key, line and column, and its objects become columns.
 */
export async function loadResultColumns(path: string, gt?: LvisIndex | ResultsGroundTruth, opts: LoadResultsOptions = {}): Promise<ResultColumns> {
  let bytes: Buffer | undefined;
  try {
    bytes = await readWhole(path);
  } catch (e) {
    throw await toInputError(e, path);
  }
  if (bytes) {
    const cols = scanResultColumns(bytes, gt, opts);
    if (cols) return cols;
    bytes = undefined;
  }
  return columnsFromObjects(await loadResults(path, gt, opts));
}

/** The file's bytes in one buffer, or undefined when it is too large for one. */
async function readWhole(path: string): Promise<Buffer | undefined> {
  const st = await stat(path);
  if (!st.isFile()) throw new BalmsInputError('not a regular file', { file: path });
  if (st.size > bufferConstants.MAX_LENGTH) return undefined;
  // Shared memory: evaluation threads (src/eval/pairThreads.ts) read the RLE strings without a copy.
  const out = Buffer.from(new SharedArrayBuffer(st.size));
  const fh = await open(path, 'r');
  try {
    let at = 0;
    while (at < st.size) {
      const { bytesRead } = await fh.read(out, at, Math.min(st.size - at, 1 << 30), at);
      if (bytesRead === 0) break;
      at += bytesRead;
    }
    return at === st.size ? out : out.subarray(0, at);
  } finally {
    await fh.close();
  }
}
