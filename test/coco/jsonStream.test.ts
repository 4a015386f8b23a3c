import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { JsonStreamScanner, JsonStreamSyntaxError, loadJsonFile } from '../../src/coco/index.js';
import { BalmsInputError } from '../../src/util/errors.js';
import { Rng } from '../../src/util/rng.js';

const dir = mkdtempSync(join(tmpdir(), 'balms-jsonstream-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Collects what the scanner reports into the value JSON.parse would give. */
function scanInChunks(bytes: Buffer, chunk: number): unknown {
  let root: any;
  let current: unknown[] = [];
  const s = new JsonStreamScanner({
    onRoot: (k) => (root = k === 'array' ? [] : {}),
    onArrayStart: (key) => {
      current = key === null ? root : [];
      if (key !== null) root[key] = current;
    },
    onElements: (_k, els, first) => {
      expect(first).toBe(current.length);
      current.push(...els);
    },
    onValue: (k, v) => (root[k] = v),
  });
  for (let o = 0; o < bytes.length; o += chunk) s.push(bytes.subarray(o, o + chunk));
  s.end();
  return root;
}

const TRICKY = [
  'plain',
  'say \\"hi\\" }]{[',
  'back\\\\slash\\\\',
  '"quoted" and \\\\"',
  'braces { [ } ] inside',
  'unicode: héllo — 日本語 🦊 \u00e9',
  'escapes \\n\\t\\u00e9\\ud83e\\udd8a',
  '',
  ',:,:',
];

function trickyDataset(rng: Rng, n: number): unknown {
  const str = () => TRICKY[rng.int(TRICKY.length)]!.replace(/\\\\/g, '\\').replace(/\\"/g, '"');
  return {
    'info': { 'description': str(), 'nested': { 'a': [1, [2, [3, { '}': ']' }]]], 'b': null } },
    'we"ird}key': str(),
    'num': -1.5e-7,
    'flag': true,
    'nothing': null,
    'empty': [],
    'images': Array.from({ length: n }, (_, i) => ({ id: i + 1, name: str(), tags: [str(), str()], h: 480, w: 640 })),
    'annotations': Array.from({ length: n * 3 }, (_, i) => ({
      id: i + 1,
      segmentation: [Array.from({ length: 8 }, () => Math.round(rng.uniform(0, 640) * 100) / 100)],
      note: str(),
      deep: { x: [[[]]], y: {} },
    })),
    'scalars': [1, -2.5, 'x]', true, false, null, [], {}, 1e300],
  };
}

describe('JsonStreamScanner', () => {
  const rng = new Rng(7);
  const obj = trickyDataset(rng, 200);
  const pretty = Buffer.from(JSON.stringify(obj, null, 2));
  const compact = Buffer.from(JSON.stringify(obj));

  it('equals JSON.parse for every chunk size, pretty and compact, tricky strings included', () => {
    const expected = JSON.parse(pretty.toString('utf8'));
    for (const chunk of [1, 2, 3, 7, 64, 1000, 4096, 1 << 20]) {
      expect(scanInChunks(pretty, chunk)).toEqual(expected);
      expect(scanInChunks(compact, chunk)).toEqual(expected);
    }
  });

  it('splits multi-byte UTF-8 characters across chunks correctly', () => {
    const b = Buffer.from(JSON.stringify({ images: ['🦊🦊🦊', 'é日本'], t: '日本語' }));
    for (let chunk = 1; chunk < 9; chunk++) expect(scanInChunks(b, chunk)).toEqual({ images: ['🦊🦊🦊', 'é日本'], t: '日本語' });
  });

  it('reads a top-level array (a results file) and a BOM', () => {
    const b = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(' [ {"a":"]"} , 2 ,"x" ]\n')]);
    for (const chunk of [1, 4, 100]) expect(scanInChunks(b, chunk)).toEqual([{ a: ']' }, 2, 'x']);
    expect(scanInChunks(Buffer.from('[]'), 1)).toEqual([]);
    expect(() => scanInChunks(Buffer.from([0xef, 0xbb, 0x7b, 0x7d]), 1)).toThrow(/incomplete UTF-8 byte order mark/);
    expect(scanInChunks(Buffer.from('{}'), 1)).toEqual({});
  });

  const bad: Array<[string, RegExp, string | undefined]> = [
    ['', /empty/, undefined],
    ['{"images": [1, 2', /truncated/, 'images[1]'],
    ['{"images": [1, 2,]}', /expected an array element/, 'images[2]'],
    ['{"images": [1 2]}', /expected ',' or ']'/, 'images[0]'],
    ['{"images": [{"a": 1}, {"a": tru}]}', /invalid JSON/, 'images[1]'],
    ['{"annotations": [{"bbox": [1, NaN, 2, 3]}]}', /NaN is not valid JSON/, 'annotations[0]'],
    ['{"a": 1} x', /after the end/, undefined],
    ['{"a" 1}', /expected ':'/, undefined],
    ['{"a": 1 "b": 2}', /expected ',' or '}'/, undefined],
    ['{"info": {"a": }}', /invalid JSON/, 'info'],
    ['"just a string"', /expected '\{' or '\['/, undefined],
  ];
  for (const [text, re, path] of bad) {
    it(`rejects ${JSON.stringify(text)} naming ${path ?? 'the offset'}`, () => {
      for (const chunk of [1, 5, 1000]) {
        let err: unknown;
        try {
          scanInChunks(Buffer.from(text), chunk);
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(JsonStreamSyntaxError);
        expect((err as JsonStreamSyntaxError).problem).toMatch(re);
        expect((err as JsonStreamSyntaxError).path).toBe(path);
      }
    });
  }
});

describe('loadJsonFile', () => {
  it('streams a file larger than one chunk and equals JSON.parse', async () => {
    const obj = trickyDataset(new Rng(3), 2000);
    const text = JSON.stringify(obj, null, 1);
    const p = join(dir, 'big.json');
    writeFileSync(p, text);
    expect(text.length).toBeGreaterThan(10 * 4096);
    const got = await loadJsonFile(p, { chunkSize: 4096 });
    expect(got).toEqual(JSON.parse(text));
  });

  it('reports line, column and record of a syntax error', async () => {
    const p = join(dir, 'bad.json');
    writeFileSync(p, '{\n  "images": [\n    {"id": 1},\n    {"id": 2,, "x": 1}\n  ]\n}\n');
    await expect(loadJsonFile(p, { chunkSize: 7 })).rejects.toThrow(BalmsInputError);
    await expect(loadJsonFile(p, { chunkSize: 7 })).rejects.toThrow(/bad\.json: images\[1\]: invalid JSON: .* at line 4, column 14 \(byte offset 44\)/);
  });

  it('names a missing file and a duplicate top-level key', async () => {
    await expect(loadJsonFile(join(dir, 'nope.json'))).rejects.toThrow(/nope\.json: no such file/);
    const p = join(dir, 'dup.json');
    writeFileSync(p, '{"images": [], "images": []}');
    await expect(loadJsonFile(p)).rejects.toThrow(/dup\.json: images: duplicate top-level key "images"/);
  });
});
