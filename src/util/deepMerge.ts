/**
 * The one deep merge of plain config objects (training configs, `--set` overrides, detector
 * configs): objects merge key by key, arrays and scalars replace (copied), `undefined` values are
 * skipped.
 */
import { BalmsInputError } from './errors.js';

type Plain = Record<string, unknown>;

function isObject(v: unknown): v is Plain {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export interface DeepMergeOptions {
  /**
   * Dotted paths of sections whose knobs depend on their `type` (the loss): when `over` gives such a
   * section another `type`, it replaces the base's section instead of merging into it, so one type's
   * knobs never leak into another's.
   */
  typed?: readonly string[];
  /** Reject keys the base lacks (a `BalmsInputError` naming the path under `prefix`). */
  knownKeysOnly?: boolean;
  /** Dotted path of `base` itself, for `typed` and for error paths (default ''). */
  prefix?: string;
}

/** Returns a new object: `over` merged onto `base` (neither is modified). */
export function deepMerge<T extends object>(base: T, over: object, opts: DeepMergeOptions = {}): T {
  const { typed = [], knownKeysOnly = false, prefix = '' } = opts;
  const out: Plain = { ...(base as Plain) };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    const path = prefix ? `${prefix}.${k}` : k;
    if (knownKeysOnly && !(k in out)) throw new BalmsInputError(`unknown key (known keys here: ${Object.keys(out).join(', ')})`, { path });
    const b = out[k];
    const retyped = typed.includes(path) && isObject(b) && isObject(v) && v['type'] !== undefined && v['type'] !== b['type'];
    out[k] = isObject(b) && isObject(v) && !retyped ? deepMerge(b, v, { typed, knownKeysOnly, prefix: path }) : structuredClone(v);
  }
  return out as T;
}
