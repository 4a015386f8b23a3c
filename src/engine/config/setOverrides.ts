/** `--set key.path=value` overrides as a config object, and dotted-path reads of config objects (merging: util/deepMerge.ts). */
import { BalmsInputError } from '../../util/errors.js';
import type { JsonObject, JsonValue } from './configSchema.js';

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Parses `key.path=value` overrides into one object. The value is read as JSON when it parses
 * (numbers, booleans, arrays, quoted strings), otherwise as a plain string.
 */
export function parseSetOverrides(sets: readonly string[]): JsonObject {
  const out: JsonObject = {};
  for (const s of sets) {
    const eq = s.indexOf('=');
    if (eq <= 0) throw new BalmsInputError(`--set expects key=value, got ${JSON.stringify(s)}`);
    const key = s.slice(0, eq).trim();
    const raw = s.slice(eq + 1);
    let value: JsonValue;
    try {
      value = JSON.parse(raw) as JsonValue;
    } catch {
      value = raw;
    }
    const parts = key.split('.');
    if (parts.some((p) => p === '')) throw new BalmsInputError(`--set: bad key ${JSON.stringify(key)}`);
    let node = out;
    for (const p of parts.slice(0, -1)) {
      const next = node[p];
      if (!isObject(next)) node[p] = {};
      node = node[p] as JsonObject;
    }
    node[parts[parts.length - 1]!] = value;
  }
  return out;
}

/** Reads a dotted path from a config object (undefined when absent). */
export function getPath(cfg: JsonObject, path: string): JsonValue | undefined {
  let node: JsonValue | undefined = cfg;
  for (const p of path.split('.')) {
    if (!isObject(node)) return undefined;
    node = node[p];
  }
  return node;
}
