/**
 * Generic validation of a JSON config against a defaults object: the defaults name every knob and
 * give its type; `choices` restricts string knobs to a set. Errors name the file and the key path.
 */
import { BalmsInputError } from '../../util/errors.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };
export type JsonObject = { [k: string]: JsonValue };

/** Allowed values of enumerated knobs, keyed by dotted path (`loss.type`). */
export type ConfigChoices = Record<string, readonly string[]>;
/** Knobs whose value may be any JSON (an open dictionary, e.g. per-loss options), by dotted path. */
export type OpenKeys = readonly string[];

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/**
 * Checks `cfg` against `defaults`: no unknown keys, the same JSON types (numbers must be finite;
 * arrays must hold the defaults' element type when the default is non-empty), choices respected.
 * A default of `null` accepts null or any scalar (an optional string/number knob).
 */
export function validateConfig(
  cfg: unknown,
  defaults: JsonObject,
  opts: { file?: string; choices?: ConfigChoices; open?: OpenKeys } = {},
): void {
  const { file, choices = {}, open = [] } = opts;
  const fail = (path: string, problem: string): never => {
    throw new BalmsInputError(problem, { file, path });
  };
  const walk = (value: unknown, def: JsonValue, path: string): void => {
    if (open.includes(path)) return;
    const allowed = Object.hasOwn(choices, path) ? choices[path] : undefined;
    if (allowed) {
      if (typeof value !== 'string' || !allowed.includes(value)) {
        fail(path, `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${JSON.stringify(value)}`);
      }
      return;
    }
    if (def === null) {
      if (value !== null && typeof value === 'object') fail(path, `must be a string, number, boolean or null, got ${typeName(value)}`);
      return;
    }
    const want = typeName(def);
    const got = typeName(value);
    if (want !== got) fail(path, `must be ${want === 'array' ? 'an array' : `a ${want}`}, got ${got === 'array' ? 'an array' : got}${got !== 'object' && got !== 'array' ? ` (${JSON.stringify(value)})` : ''}`);
    if (typeof value === 'number' && !Number.isFinite(value)) fail(path, `must be a finite number, got ${value}`);
    if (Array.isArray(value)) {
      const d = def as JsonValue[];
      if (d.length > 0) {
        // every element follows the first default element (recursively: nested arrays are checked too)
        value.forEach((v, i) => walk(v, d[0]!, `${path}[${i}]`));
      }
      return;
    }
    if (got === 'object') {
      const d = def as JsonObject;
      for (const [k, v] of Object.entries(value as JsonObject)) {
        const p = path ? `${path}.${k}` : k;
        if (!Object.hasOwn(d, k)) fail(p, `unknown key (known keys here: ${Object.keys(d).join(', ')})`);
        walk(v, d[k]!, p);
      }
    }
  };
  walk(cfg, defaults, '');
}
