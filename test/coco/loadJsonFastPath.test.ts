/** loadJsonFile's whole-file path (JSON.parse) against its streaming path: same values, same errors. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadJsonFile } from '../../src/coco/index.js';

const dir = mkdtempSync(join(tmpdir(), 'balms-fastpath-'));
const file = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const fast = (p: string) => loadJsonFile(p, { fastPathMaxBytes: 1 << 30 });
const stream = (p: string) => loadJsonFile(p, { fastPathMaxBytes: 0 });
const errorOf = (x: Promise<unknown>) => x.then(() => null, (e: unknown) => (e instanceof Error ? e.message : String(e)));

describe('loadJsonFile: whole-file and streaming paths agree', () => {
  const valid = {
    'object.json': '{"images": [{"id": 1, "s": "a}\\"]"}], "info": {"x": [1, {"y": "z"}]}, "n": 3, "__proto__": [1]}',
    'array.json': '[{"image_id": 1, "score": 0.5}, {"image_id": 2, "segmentation": {"counts": "0\\\\1"}}]',
    'bom.json': '\ufeff{"a": [1, 2]}',
    'nested-keys.json': '{"a": {"a": 1, "a": 2}, "b": [{"b": 1, "b": 2}]}',
  };
  for (const [name, text] of Object.entries(valid)) {
    it(`same value: ${name}`, async () => {
      const p = file(name, text);
      expect(await fast(p)).toEqual(await stream(p));
      expect(await loadJsonFile(p)).toEqual(await stream(p));
    });
  }
  const invalid = {
    'syntax.json': '{"images": [{"id": 1}, {"id": 2,}]}',
    'dup.json': '{"images": [], "annotations": [], "images": [1]}',
    'dup-escaped.json': '{"images": [], "im\\u0061ges": []}',
    'scalar.json': '42',
    'truncated.json': '[{"a": 1}, {"a"',
    'empty.json': '',
  };
  for (const [name, text] of Object.entries(invalid)) {
    it(`same error: ${name}`, async () => {
      const p = file(name, text);
      const want = await errorOf(stream(p));
      expect(want).toMatch(new RegExp(name.replace('.', '\\.')));
      expect(await errorOf(fast(p))).toBe(want);
    });
  }
});
