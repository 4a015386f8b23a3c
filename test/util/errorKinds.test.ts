/**
 * Every error balms throws is a `BalmsInputError` (the caller's input: a file, a record, a key, an
 * argument) or a `BalmsInternalError` (a bug, which says so): no plain `Error` / `RangeError` /
 * `TypeError` left in src/. The two listed exceptions are deliberate.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = fileURLToPath(new URL('../../src', import.meta.url));
/** file → why a plain Error stays there. */
const ALLOWED: Record<string, string> = {
  'backends/initBackend.ts': 'emulates Node’s MODULE_NOT_FOUND error for an optional package',
};

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('error kinds in src/', () => {
  it('no plain Error, RangeError or TypeError is thrown', () => {
    const offenders: string[] = [];
    for (const f of tsFiles(src)) {
      const rel = relative(src, f);
      if (ALLOWED[rel]) continue;
      readFileSync(f, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (/\bnew (Range|Type|Syntax)?Error\(/.test(line)) offenders.push(`${rel}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(offenders).toEqual([]);
  });
});
