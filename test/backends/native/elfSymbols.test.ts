import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ElfFormatError, hostElfMachine, readElfExports } from '../../../src/backends/native/elfSymbols.js';
import { fakeElf } from '../../helpers/fakeNative.js';

const dir = mkdtempSync(join(tmpdir(), 'balms-elf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readElfExports', () => {
  it('reads the machine and the defined (not the imported) dynamic symbols', () => {
    const f = join(dir, 'lib.so');
    writeFileSync(f, fakeElf('aarch64', ['TFE_NewContext', 'TF_Version', 'other'], ['TF_Imported']));
    const all = readElfExports(f);
    expect(all.machine).toBe('aarch64');
    expect([...all.symbols].sort()).toEqual(['TFE_NewContext', 'TF_Version', 'other']);
    expect([...readElfExports(f, (s) => s.startsWith('TF')).symbols].sort()).toEqual(['TFE_NewContext', 'TF_Version']);
  });

  it.runIf(process.platform === 'linux')('finds the N-API functions the node executable exports', () => {
    const node = readElfExports(process.execPath, (s) => s.startsWith('napi_'));
    expect(node.machine).toBe(hostElfMachine());
    expect(node.symbols.has('napi_create_function')).toBe(true);
    expect(node.symbols.has('napi_module_register')).toBe(true);
  });

  it('rejects files that are not 64-bit ELF', () => {
    const f = join(dir, 'text.so');
    writeFileSync(f, 'not an elf file at all, just some words to fill sixty-four bytes of header');
    expect(() => readElfExports(f)).toThrow(ElfFormatError);
    expect(() => readElfExports(f)).toThrow(/not an ELF file/);
  });
});
