import { stat } from 'node:fs/promises';
import { BalmsInputError } from '../util/errors.js';
import { fsInputError } from '../util/fsErrors.js';
import type { LvisDataset, DetectionResult } from './types.js';
import { JsonStreamSyntaxError, lineColumnAt, scanJsonFile } from './jsonStream.js';
import { LvisIndex } from './lvisIndex.js';
import { validateDataset, type ValidateDatasetOptions } from './validateDataset.js';
import { validateResults, type ResultsGroundTruth, type ValidateResultsOptions } from './validateResults.js';

export interface LoadJsonOptions {
  /** Bytes per read (default 8 MiB). */
  chunkSize?: number;
}

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

/** Validates an in-memory annotation object (e.g. from `JSON.parse`) and returns it typed. */
export function parseLvisDataset(obj: unknown, file?: string, opts: ValidateDatasetOptions = {}): LvisDataset {
  return validateDataset(obj, file, opts);
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
