/**
 * Small JSON files (configs): parsed from text with a one-line error naming the line and column, a
 * UTF-8 byte-order mark accepted (as the annotation loader does), and a nesting limit so that a
 * hostile file cannot overflow the stack of the recursive code that merges or writes it.
 */
import { BalmsInputError } from './errors.js';

/** The deepest nesting of arrays / objects balms accepts in any JSON input (LVIS data needs 4). */
export const MAX_JSON_NESTING = 100;

/** The first path (`a.b[3]`) at which `value` nests deeper than `max` levels, or null. Iterative. */
export function tooDeepAt(value: unknown, max = MAX_JSON_NESTING): string | null {
  const stack: Array<[unknown, number, string]> = [[value, 0, '']];
  while (stack.length) {
    const [v, depth, path] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth >= max) return path || '(root)';
    if (Array.isArray(v)) v.forEach((e, i) => stack.push([e, depth + 1, `${path}[${i}]`]));
    else for (const [k, e] of Object.entries(v)) stack.push([e, depth + 1, path ? `${path}.${k}` : k]);
  }
  return null;
}

/** 1-based line and column of character offset `pos` in `text`. */
function lineColumn(text: string, pos: number): string {
  let line = 1;
  let start = 0;
  for (let i = 0; i < pos && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return `line ${line}, column ${pos - start + 1}`;
}

/** Where V8's `JSON.parse` message says the error is (character offset), when it says so. */
function errorOffset(text: string, msg: string): number | null {
  const at = /at position (\d+)/.exec(msg);
  if (at) return Number(at[1]);
  // "Unexpected token 'x', ..."<10 chars before>x<after>"... is not valid JSON"
  const tok = /^Unexpected token '(.)', (\.\.\.)?"([\s\S]*)"(\.\.\.)? is not valid JSON$/.exec(msg);
  if (tok) {
    const [, ch, before, excerpt] = tok as unknown as [string, string, string | undefined, string];
    const start = text.indexOf(excerpt);
    if (start >= 0) return before ? start + 10 : start + Math.max(0, excerpt.indexOf(ch));
  }
  if (/^Unexpected end of JSON input/.test(msg)) return text.length;
  return null;
}

/** Parses JSON text read from `file`; syntax errors and excess nesting are `BalmsInputError`s. */
export function parseJsonText(text: string, file?: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (e) {
    const msg = (e instanceof Error ? e.message : String(e)).replace(/^SyntaxError: /, '');
    const pos = errorOffset(body, msg);
    const problem = msg.replace(/, (\.\.\.)?"[\s\S]*$/, '').replace(/ in JSON at position \d+.*$/, '');
    throw new BalmsInputError(`invalid JSON${pos === null ? '' : ` at ${lineColumn(body, pos)}`}: ${problem.replace(/\s+/g, ' ')}`, { file });
  }
  const deep = tooDeepAt(value);
  if (deep !== null) throw new BalmsInputError(`nested more than ${MAX_JSON_NESTING} levels deep`, { file, path: deep });
  const proto = protoKeyAt(value);
  if (proto !== null) throw new BalmsInputError('a "__proto__" key is not allowed', { file, path: proto });
  return value;
}

/** The path of the first own `__proto__` key (JSON.parse keeps it as data; merging would turn it into a prototype). */
export function protoKeyAt(value: unknown): string | null {
  const stack: Array<[unknown, string]> = [[value, '']];
  while (stack.length) {
    const [v, path] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (Array.isArray(v)) v.forEach((e, i) => stack.push([e, `${path}[${i}]`]));
    else
      for (const [k, e] of Object.entries(v)) {
        const p = path ? `${path}.${k}` : k;
        if (k === '__proto__') return p;
        stack.push([e, p]);
      }
  }
  return null;
}
