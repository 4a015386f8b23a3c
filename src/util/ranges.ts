/**
 * Declarative range checks for config knobs: a table from a dotted key (`[]` stands for every element
 * of an array: `anchors.sizes[][]`) to the values it allows. A knob that is absent is skipped (the
 * type check runs elsewhere); a value outside its range is a `BalmsInputError` naming the file and
 * the key, with the element index (`anchors.aspectRatios[0]: must be a number > 0, got -1`).
 */
import { BalmsInputError } from './errors.js';

export interface KnobRange {
  /** An integer (a safe one). */
  int?: true;
  /** Inclusive bounds. */
  min?: number;
  max?: number;
  /** Exclusive bounds. */
  above?: number;
  below?: number;
  /** An array with at least one element. */
  nonEmpty?: true;
  /** An array of exactly this many elements. */
  length?: number;
}

/** Knob key → its range. */
export type RangeTable = Readonly<Record<string, KnobRange>>;

/** "an integer ≥ 1", "a number in (0, 1]", "a non-empty array" … */
export function describeRange(r: KnobRange): string {
  if (r.nonEmpty || r.length !== undefined) return r.length !== undefined ? `an array of ${r.length} values` : 'a non-empty array';
  const what = r.int ? 'an integer' : 'a number';
  const lo = r.min !== undefined ? { v: r.min, open: false } : r.above !== undefined ? { v: r.above, open: true } : null;
  const hi = r.max !== undefined ? { v: r.max, open: false } : r.below !== undefined ? { v: r.below, open: true } : null;
  if (lo && hi) return `${what} in ${lo.open ? '(' : '['}${lo.v}, ${hi.v}${hi.open ? ')' : ']'}`;
  if (lo) return `${what} ${lo.open ? '>' : '≥'} ${lo.v}`;
  if (hi) return `${what} ${hi.open ? '<' : '≤'} ${hi.v}`;
  return what;
}

function fits(v: unknown, r: KnobRange): boolean {
  if (r.nonEmpty || r.length !== undefined) {
    if (!Array.isArray(v)) return true; // the type check reports it
    return r.length !== undefined ? v.length === r.length : v.length > 0;
  }
  if (typeof v !== 'number') return true;
  if (!Number.isFinite(v)) return false;
  if (r.int && !Number.isSafeInteger(v)) return false;
  if (r.min !== undefined && !(v >= r.min)) return false;
  if (r.max !== undefined && !(v <= r.max)) return false;
  if (r.above !== undefined && !(v > r.above)) return false;
  if (r.below !== undefined && !(v < r.below)) return false;
  return true;
}

/** The values at `key` in `obj`, each with its concrete path (`[]` expanded to every index). */
function valuesAt(obj: unknown, key: string): Array<[string, unknown]> {
  let frontier: Array<[string, unknown]> = [['', obj]];
  for (const token of key.match(/\[\]|[^.[\]]+/g) ?? []) {
    const next: Array<[string, unknown]> = [];
    for (const [path, v] of frontier) {
      if (token === '[]') {
        if (Array.isArray(v)) v.forEach((e, i) => next.push([`${path}[${i}]`, e]));
      } else if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.prototype.hasOwnProperty.call(v, token)) {
        next.push([path ? `${path}.${token}` : token, (v as Record<string, unknown>)[token]]);
      }
    }
    frontier = next;
  }
  return frontier;
}

/**
 * Checks every knob of `table` in `obj`; the first one out of range throws, naming `file` and the key
 * (prefixed with `prefix`, e.g. `model.` when the object is a section of a larger config).
 */
export function checkRanges(obj: unknown, table: RangeTable, where: { file?: string; prefix?: string } = {}): void {
  for (const [key, range] of Object.entries(table)) {
    for (const [path, v] of valuesAt(obj, key)) {
      if (!fits(v, range)) {
        throw new BalmsInputError(`must be ${describeRange(range)}, got ${JSON.stringify(v) ?? String(v)}`, { file: where.file, path: (where.prefix ?? '') + path });
      }
    }
  }
}

/** A `BalmsInputError` for one key (cross-knob invariants the table cannot say). */
export function knobError(problem: string, key: string, where: { file?: string; prefix?: string } = {}): BalmsInputError {
  return new BalmsInputError(problem, { file: where.file, path: (where.prefix ?? '') + key });
}
