/**
 * The few facts balms needs from a Linux shared library, read from its ELF headers without loading
 * it (and without binutils): its machine and the names of the dynamic symbols it defines. Only the
 * headers and the `.dynsym`/`.dynstr` sections are read, so an 800 MB library costs a few MB.
 */
import { closeSync, openSync } from 'node:fs';
import { readAt } from './readAt.js';

/** What {@link readElfExports} found. */
export interface ElfExports {
  /** ELF `e_machine` name: 'x86_64', 'aarch64', or `machine <n>` for others. */
  machine: string;
  /** Defined dynamic symbols whose name passes the filter. */
  symbols: Set<string>;
}

/** Thrown when a file is not a 64-bit little-endian ELF shared object. */
export class ElfFormatError extends Error {
  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.name = 'ElfFormatError';
  }
}

const MACHINES: Record<number, string> = { 62: 'x86_64', 183: 'aarch64' };
const SHT_DYNSYM = 11;

/** The ELF machine name of this process's architecture (Node's `process.arch`). */
export function hostElfMachine(): string {
  return process.arch === 'x64' ? 'x86_64' : process.arch === 'arm64' ? 'aarch64' : process.arch;
}

/** The machine and the defined dynamic symbols (those `keep` accepts) of the ELF file `file`. */
export function readElfExports(file: string, keep: (name: string) => boolean = () => true): ElfExports {
  const fd = openSync(file, 'r');
  try {
    const h = readAt(fd, 0, 64);
    if (h.length < 64 || h.readUInt32BE(0) !== 0x7f454c46) throw new ElfFormatError(file, 'not an ELF file');
    if (h[4] !== 2 || h[5] !== 1) throw new ElfFormatError(file, 'not a 64-bit little-endian ELF file');
    const machineId = h.readUInt16LE(18);
    const machine = MACHINES[machineId] ?? `machine ${machineId}`;
    const shoff = Number(h.readBigUInt64LE(40));
    const shentsize = h.readUInt16LE(58);
    const shnum = h.readUInt16LE(60);
    const sections = readAt(fd, shoff, shentsize * shnum);
    if (sections.length < shentsize * shnum) throw new ElfFormatError(file, 'truncated section header table');
    const section = (i: number) => {
      const o = i * shentsize;
      return {
        type: sections.readUInt32LE(o + 4),
        offset: Number(sections.readBigUInt64LE(o + 24)),
        size: Number(sections.readBigUInt64LE(o + 32)),
        link: sections.readUInt32LE(o + 40),
        entsize: Number(sections.readBigUInt64LE(o + 56)),
      };
    };
    const symbols = new Set<string>();
    for (let i = 0; i < shnum; i++) {
      const s = section(i);
      if (s.type !== SHT_DYNSYM) continue;
      if (s.link >= shnum) throw new ElfFormatError(file, 'dynamic symbol table without a string table');
      const strtab = section(s.link);
      const strs = readAt(fd, strtab.offset, strtab.size);
      const syms = readAt(fd, s.offset, s.size);
      const entsize = s.entsize || 24;
      for (let o = 0; o + entsize <= syms.length; o += entsize) {
        const nameOff = syms.readUInt32LE(o);
        const shndx = syms.readUInt16LE(o + 6);
        if (shndx === 0 || nameOff === 0) continue; // undefined (imported) symbol, or the null entry
        const end = strs.indexOf(0, nameOff);
        const name = strs.toString('latin1', nameOff, end < 0 ? strs.length : end);
        if (keep(name)) symbols.add(name);
      }
    }
    return { machine, symbols };
  } finally {
    closeSync(fd);
  }
}
