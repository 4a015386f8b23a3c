/** Reads a JSON config with `_base_` inheritance (a path, or a list of paths, relative to the file). */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { BalmsInputError } from '../../util/errors.js';
import { fsInputError } from '../../util/fsErrors.js';
import { parseJsonText } from '../../util/jsonText.js';
import type { JsonObject } from './configSchema.js';
import { deepMerge } from '../../util/deepMerge.js';

function readJsonObject(file: string): JsonObject {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw fsInputError(e, file, 'cannot read config');
  }
  const value = parseJsonText(text, file);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BalmsInputError('a config must be a JSON object', { file });
  }
  return value as JsonObject;
}

/**
 * Loads `file`, merging it onto its `_base_` chain (bases first, later bases override earlier ones,
 * the file itself overrides all). The result has no `_base_` key. `typed`: see `deepMerge` (util/deepMerge.ts).
 */
export function loadConfigFile(file: string, seen: string[] = [], typed: readonly string[] = []): JsonObject {
  const abs = resolve(file);
  if (seen.includes(abs)) {
    throw new BalmsInputError(`_base_ cycle: ${[...seen, abs].join(' -> ')}`, { file: abs, path: '_base_' });
  }
  const own = readJsonObject(abs);
  const baseField = own['_base_'];
  delete own['_base_'];
  let merged: JsonObject = {};
  if (baseField !== undefined) {
    const bases = Array.isArray(baseField) ? baseField : [baseField];
    bases.forEach((b, i) => {
      if (typeof b !== 'string') {
        throw new BalmsInputError('must be a path or a list of paths', { file: abs, path: Array.isArray(baseField) ? `_base_[${i}]` : '_base_' });
      }
      merged = deepMerge(merged, loadConfigFile(resolve(dirname(abs), b), [...seen, abs], typed), { typed });
    });
  }
  return deepMerge(merged, own, { typed });
}
