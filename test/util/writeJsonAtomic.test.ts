/** The one atomic JSON writer: the bytes of JSON.stringify (+ newline), compact or indented, and no temp file left. */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeJsonFileAtomic } from '../../src/util/writeJsonAtomic.js';

const dir = mkdtempSync(join(tmpdir(), 'balms-json-'));
const VALUES: [string, unknown][] = [
  ['array', [1, 'a', null, undefined, { b: [2, undefined] }, [[]]]],
  ['object', { a: [1, 2.5e-7, { c: 'é"\n' }], skip: undefined, f: () => 1, n: null, nested: { x: undefined, y: [undefined] }, empty: [] }],
  ['empty object', {}],
  ['empty array', []],
  ['number', 3.25],
  ['string', 'x'],
];

describe('writeJsonFileAtomic', () => {
  for (const [name, v] of VALUES) {
    it(`${name}: compact bytes are JSON.stringify + newline, indented ones JSON.stringify(v, null, 2) + newline`, () => {
      const p = join(dir, `${name}.json`);
      writeJsonFileAtomic(p, v);
      expect(readFileSync(p, 'utf8')).toBe(JSON.stringify(v) + '\n');
      writeJsonFileAtomic(p, v, { indent: 2 });
      expect(readFileSync(p, 'utf8')).toBe(JSON.stringify(v, null, 2) + '\n');
    });
  }

  it('clears a stale temp file of the same path and leaves none of its own', () => {
    const sub = mkdtempSync(join(dir, 'stale-'));
    const stale = join(sub, '.out.json.99999999.1.tmp');
    writeFileSync(stale, 'half');
    writeJsonFileAtomic(join(sub, 'out.json'), [1, 2]);
    expect(readdirSync(sub)).toEqual(['out.json']);
  });
});
