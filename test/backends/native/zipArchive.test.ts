import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { crc32, crc32Portable } from '../../../src/backends/native/crc32.js';
import { extractZipEntry, listZip, readZipEntry, ZipFormatError } from '../../../src/backends/native/zipArchive.js';
import { writeZip } from '../../helpers/fakeNative.js';

const dir = mkdtempSync(join(tmpdir(), 'balms-zip-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('crc32', () => {
  it('gives the standard check value, incrementally, with and without zlib', () => {
    const s = Buffer.from('123456789');
    expect(crc32Portable(s)).toBe(0xcbf43926);
    expect(crc32(s)).toBe(0xcbf43926);
    expect(crc32Portable(s.subarray(4), crc32Portable(s.subarray(0, 4)))).toBe(0xcbf43926);
    expect(crc32Portable(new Uint8Array(0))).toBe(0);
  });
});

describe('zip archives', () => {
  const big = Buffer.alloc(300_000);
  for (let i = 0; i < big.length; i++) big[i] = (i * 7919) % 251;
  const file = join(dir, 'a.zip');
  writeZip(file, [
    { name: 'dir/stored.txt', data: 'hello, wheel' },
    { name: 'dir/deflated.bin', data: big, deflate: true },
    { name: 'empty', data: '' },
  ]);

  it('lists members with their sizes and extracts them exactly (stored, deflated, empty)', async () => {
    const entries = listZip(file);
    expect(entries.map((e) => [e.name, e.method, e.size])).toEqual([['dir/stored.txt', 0, 12], ['dir/deflated.bin', 8, 300_000], ['empty', 0, 0]]);
    expect((await readZipEntry(file, entries[0]!)).toString()).toBe('hello, wheel');
    const out = join(dir, 'big.bin');
    await extractZipEntry(file, entries[1]!, out);
    expect(readFileSync(out).equals(big)).toBe(true);
    expect((await readZipEntry(file, entries[2]!)).length).toBe(0);
  });

  it('rejects a damaged member (CRC) and a file that is not a zip', async () => {
    const bytes = readFileSync(file);
    const at = bytes.indexOf('hello, wheel');
    bytes[at] = 'j'.charCodeAt(0);
    const bad = join(dir, 'bad.zip');
    writeFileSync(bad, bytes);
    await expect(readZipEntry(bad, listZip(bad)[0]!)).rejects.toThrow(/CRC-32 mismatch/);
    const notZip = join(dir, 'not.zip');
    writeFileSync(notZip, 'just text, no archive');
    expect(() => listZip(notZip)).toThrow(ZipFormatError);
    expect(() => listZip(notZip)).toThrow(/not a zip archive/);
  });
});
