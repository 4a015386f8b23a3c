import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/runCli.js';
import { parseLvisDataset } from '../../src/coco/index.js';
import { statsCommand } from '../../src/cli/statsCommand.js';
import { subsetCommand } from '../../src/cli/subsetCommand.js';
import { BalmsInputError } from '../../src/util/errors.js';
import { expectCliInputError as expectInputError } from '../helpers/inputErrors.js';

const fixture = fileURLToPath(new URL('../fixtures/coco/tiny_lvis.json', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'balms-cli-coco-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeVariant(name: string, mutate: (d: any) => void): string {
  const d = JSON.parse(readFileSync(fixture, 'utf8'));
  mutate(d);
  const p = join(dir, name);
  writeFileSync(p, JSON.stringify(d, null, 1));
  return p;
}

describe('balms stats', () => {
  it('prints the bucket table and the mismatches', () => {
    const r = runCli(['stats', '--gt', fixture]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('4 images, 6 annotations, 4 categories (1 without annotations)');
    expect(r.stdout).toMatch(/^r\s+2\s+3\s+5$/m);
    expect(r.stdout).toMatch(/^c\s+1\s+0\s+1$/m);
    expect(r.stdout).toContain('2 banana: image_count file 5, recomputed 1');
  });

  it('--json prints one JSON object with the recomputed statistics', () => {
    const r = runCli(['stats', '--gt', fixture, '--json']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.file).toBe(fixture);
    expect(s.categoriesPerBucket.computed).toEqual({ r: 3, c: 0, f: 0, none: 1 });
    expect(s.mismatches).toHaveLength(3);
  });

  const bad: Array<[string, string | ((d: any) => void), RegExp]> = [
    ['invalid JSON', '{"images": [{"id": 1,}]}', /images\[0\]: invalid JSON: .* at line 1, column 22 \(byte offset 21\)$/],
    ['truncated JSON', '{"images": [{"id": 1}', /truncated/],
    ['a missing key', (d) => delete d.categories, /: categories: missing key$/],
    ['a duplicate id', (d) => (d.annotations[3].id = 1), /annotations\[3\]\.id: duplicate annotation id 1 \(also annotations\[0\]\)$/],
    ['an unknown image id', (d) => (d.annotations[2].image_id = 3), /annotations\[2\]\.image_id: unknown image id 3/],
    ['a short polygon', (d) => (d.annotations[1].segmentation = [[1, 2, 3, 4]]), /annotations\[1\]\.segmentation\[0\]: polygon has 4 values/],
    ['a NaN box', '{"images": [], "categories": [], "annotations": [{"bbox": [NaN, 0, 1, 1]}]}', /annotations\[0\]: NaN is not valid JSON/],
    ['a bad frequency', (d) => (d.categories[2].frequency = 'rare'), /categories\[2\]\.frequency: expected "r", "c" or "f"/],
    ['an RLE size mismatch', (d) => (d.annotations[3].segmentation.size = [4, 6]), /annotations\[3\]\.segmentation\.size: RLE size \[4, 6\] does not match/],
  ];
  // Subprocesses are slow on a busy machine: a few kinds go through the real CLI (exit code 2, one
  // line, no stack trace, as main.ts does for every BalmsInputError); the others run the command
  // in-process and assert the BalmsInputError it raises.
  const viaSubprocess = new Set(['invalid JSON', 'a short polygon', 'an RLE size mismatch']);
  for (const [what, content, re] of bad) {
    it(`${viaSubprocess.has(what) ? 'exits 2 with one line' : 'raises a located BalmsInputError'} for ${what}`, async () => {
      const p = typeof content === 'string' ? join(dir, `${what.replace(/\W/g, '_')}.json`) : writeVariant(`${what.replace(/\W/g, '_')}.json`, content);
      if (typeof content === 'string') writeFileSync(p, content);
      if (viaSubprocess.has(what)) {
        const r = runCli(['stats', '--gt', p]);
        expectInputError(r, 'stats', re);
        expect(r.stderr).toContain(p);
      } else {
        const e = await statsCommand.run(['--gt', p]).catch((x: unknown) => x);
        expect(e).toBeInstanceOf(BalmsInputError);
        expect((e as Error).message).toMatch(re);
        expect((e as Error).message).toContain(p);
      }
    });
  }

  it('exits 2 for a missing file; rejects a missing --gt and an unknown flag', async () => {
    expectInputError(runCli(['stats', '--gt', join(dir, 'none.json')]), 'stats', /none\.json: no such file$/);
    await expect(statsCommand.run([])).rejects.toThrow(/missing --gt/);
    await expect(statsCommand.run(['--gt', fixture, '--bogus'])).rejects.toThrow(BalmsInputError);
    await expect(statsCommand.run(['--gt', fixture, '--bogus'])).rejects.toThrow(/Unknown option '--bogus'/);
  });
});

describe('balms subset', () => {
  it('writes a consistent, seeded subset atomically', () => {
    const out = join(dir, 'sub', 'a.json');
    const r = runCli(['subset', '--gt', fixture, '--out', out, '--categories', '1,date', '--images', '3', '--seed', '9']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/wrote .*a\.json: 3 images/);
    const sub = parseLvisDataset(JSON.parse(readFileSync(out, 'utf8')), out);
    expect(sub.categories.map((c) => c.id)).toEqual([1, 4]);
    for (const im of sub.images) for (const c of im.neg_category_ids!) expect([1, 4]).toContain(c);
    const out2 = join(dir, 'sub', 'b.json');
    expect(runCli(['subset', '--gt', fixture, '--out', out2, '--categories', '1,date', '--images', '3', '--seed', '9']).code).toBe(0);
    expect(readFileSync(out2, 'utf8')).toBe(readFileSync(out, 'utf8'));
  });

  it('exits 2 on bad options, leaving no output file', async () => {
    const out = join(dir, 'never.json');
    expectInputError(runCli(['subset', '--gt', fixture, '--out', out, '--categories', 'apple,kiwi']), 'subset', /--categories: unknown category "kiwi"$/);
    const bad: Array<[string[], RegExp]> = [
      [['--per-bucket', 'r=1,x=2'], /^--per-bucket: expected r=N,c=N,f=N/],
      [['--per-bucket', 'r=1,r=2'], /^--per-bucket: bucket r given twice/],
      [['--images', 'ten'], /^--images: expected a non-negative integer, got 'ten'/],
      [['--seed=-1'], /^--seed: expected a non-negative integer/],
      [['--categories', ','], /^--categories: empty list/],
    ];
    for (const [args, re] of bad) {
      const e = await subsetCommand.run(['--gt', fixture, '--out', out, ...args]).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(BalmsInputError);
      expect((e as Error).message).toMatch(re);
    }
    await expect(subsetCommand.run(['--gt', fixture])).rejects.toThrow(/missing --out/);
    expect(existsSync(out)).toBe(false);
  });
});
