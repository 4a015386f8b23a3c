/**
 * Stand-ins for the pieces `balms setup native` works on, so that its failure modes can be tested
 * without downloading or building anything: zip archives (wheels), minimal ELF shared objects that
 * define chosen symbols, a fake toolchain, and a fake tfjs-node package.
 */
import { chmodSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { crc32Portable } from '../../src/backends/native/crc32.js';
import { balmsTfjs } from '../../src/backends/native/tfjsNodePackage.js';

/** One member of {@link writeZip}. */
export interface ZipMember {
  name: string;
  data: Uint8Array | string;
  /** Deflate (method 8) instead of storing. */
  deflate?: boolean;
}

/** Writes a plain (non-ZIP64) zip archive. */
export function writeZip(file: string, members: ZipMember[]): void {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const m of members) {
    const raw = typeof m.data === 'string' ? Buffer.from(m.data) : Buffer.from(m.data);
    const body = m.deflate ? deflateRawSync(raw) : raw;
    const name = Buffer.from(m.name);
    const crc = crc32Portable(raw);
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(20, 4);
    lh.writeUInt16LE(m.deflate ? 8 : 0, 8);
    lh.writeUInt32LE(crc, 14);
    lh.writeUInt32LE(body.length, 18);
    lh.writeUInt32LE(raw.length, 22);
    lh.writeUInt16LE(name.length, 26);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE(20, 4);
    ch.writeUInt16LE(20, 6);
    ch.writeUInt16LE(m.deflate ? 8 : 0, 10);
    ch.writeUInt32LE(crc, 16);
    ch.writeUInt32LE(body.length, 20);
    ch.writeUInt32LE(raw.length, 24);
    ch.writeUInt16LE(name.length, 28);
    ch.writeUInt32LE(offset, 42);
    locals.push(lh, name, body);
    centrals.push(ch, name);
    offset += 30 + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(members.length, 8);
  end.writeUInt16LE(members.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, Buffer.concat([...locals, cd, end]));
}

/** A minimal 64-bit little-endian ELF shared object whose .dynsym defines `symbols` (and imports `imports`). */
export function fakeElf(machine: 'x86_64' | 'aarch64', symbols: string[], imports: string[] = []): Buffer {
  const names = [...symbols, ...imports];
  const strParts = [Buffer.from([0])];
  const nameOffsets: number[] = [];
  let strLen = 1;
  for (const n of names) {
    nameOffsets.push(strLen);
    const b = Buffer.from(n + '\0', 'latin1');
    strParts.push(b);
    strLen += b.length;
  }
  const dynstr = Buffer.concat(strParts);
  const dynsym = Buffer.alloc(24 * (names.length + 1));
  names.forEach((_, i) => {
    const o = 24 * (i + 1);
    dynsym.writeUInt32LE(nameOffsets[i]!, o);
    dynsym[o + 4] = 0x12; // GLOBAL FUNC
    dynsym.writeUInt16LE(i < symbols.length ? 1 : 0, o + 6); // defined in section 1, or undefined
  });
  const pad = (n: number) => (8 - (n % 8)) % 8;
  const strOff = 64;
  const symOff = strOff + dynstr.length + pad(strOff + dynstr.length);
  const shOff = symOff + dynsym.length;
  const h = Buffer.alloc(64);
  h.writeUInt32BE(0x7f454c46, 0);
  h[4] = 2;
  h[5] = 1;
  h[6] = 1;
  h.writeUInt16LE(3, 16);
  h.writeUInt16LE(machine === 'x86_64' ? 62 : 183, 18);
  h.writeUInt32LE(1, 20);
  h.writeBigUInt64LE(BigInt(shOff), 40);
  h.writeUInt16LE(64, 52);
  h.writeUInt16LE(64, 58);
  h.writeUInt16LE(3, 60);
  const sh = Buffer.alloc(64 * 3);
  // [1] .dynsym → link 2; [2] .dynstr
  sh.writeUInt32LE(11, 64 + 4);
  sh.writeBigUInt64LE(BigInt(symOff), 64 + 24);
  sh.writeBigUInt64LE(BigInt(dynsym.length), 64 + 32);
  sh.writeUInt32LE(2, 64 + 40);
  sh.writeBigUInt64LE(24n, 64 + 56);
  sh.writeUInt32LE(3, 128 + 4);
  sh.writeBigUInt64LE(BigInt(strOff), 128 + 24);
  sh.writeBigUInt64LE(BigInt(dynstr.length), 128 + 32);
  return Buffer.concat([h, dynstr, Buffer.alloc(pad(strOff + dynstr.length)), dynsym, sh]);
}

/** A fake TensorFlow wheel: the two libraries (fake ELFs) and the given headers under tensorflow/include/. */
export function writeFakeTensorflowWheel(file: string, o: { machine?: 'x86_64' | 'aarch64'; ccSymbols: string[]; headers?: Record<string, string>; metadata?: string }): void {
  const members: ZipMember[] = [
    { name: 'tensorflow/libtensorflow_cc.so.2', data: fakeElf(o.machine ?? 'x86_64', o.ccSymbols, ['TF_Imported']), deflate: true },
    { name: 'tensorflow/libtensorflow_framework.so.2', data: fakeElf(o.machine ?? 'x86_64', ['TF_FrameworkOnly']) },
    { name: 'tensorflow_cpu-2.21.0.dist-info/METADATA', data: o.metadata ?? 'Metadata-Version: 2.1\nName: tensorflow-cpu\n' },
  ];
  for (const [path, text] of Object.entries(o.headers ?? {})) members.push({ name: `tensorflow/include/${path}`, data: text, deflate: true });
  writeZip(file, members);
}

function script(path: string, body: string): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

/**
 * Environment variables naming a toolchain made of shell scripts in `dir`: a python3 that answers
 * the version query (and, unless `pip`, fails `-m pip`), a compiler and make that answer --version,
 * Node "headers" and a node-gyp file. Nothing of it can build anything.
 */
export function fakeToolchainEnv(dir: string, o: { pip?: boolean } = {}): NodeJS.ProcessEnv {
  const python = script(join(dir, 'bin', 'python3'), [
    'if [ "$1" = "-c" ]; then echo 3.11.0; exit 0; fi',
    o.pip ? 'if [ "$1" = "-m" ]; then echo "pip 23.2.1 from fake"; exit 0; fi' : 'echo "No module named pip" >&2; exit 1',
  ].join('\n'));
  const cxx = script(join(dir, 'bin', 'fake-c++'), 'echo "fake c++ 1.0"');
  const make = script(join(dir, 'bin', 'fake-make'), 'echo "fake make"');
  const nodeDir = join(dir, 'node');
  mkdirSync(join(nodeDir, 'include', 'node'), { recursive: true });
  writeFileSync(join(nodeDir, 'include', 'node', 'node_api.h'), '');
  writeFileSync(join(nodeDir, 'include', 'node', 'common.gypi'), '{}');
  const nodeGyp = join(dir, 'node-gyp.js');
  writeFileSync(nodeGyp, 'process.exit(1);\n');
  return { BALMS_PYTHON: python, CXX: cxx, MAKE: make, BALMS_NODEDIR: nodeDir, BALMS_NODE_GYP: nodeGyp };
}

/**
 * Links balms's `@tensorflow/*` packages (tfjs, tfjs-core, the backends …; not tfjs-node) into
 * `nodeModules/@tensorflow/`, as a project that installed balms has them.
 */
export function linkTfjsScope(nodeModules: string): void {
  mkdirSync(join(nodeModules, '@tensorflow'), { recursive: true });
  const scope = dirname(balmsTfjs().dir);
  for (const p of readdirSync(scope)) if (p !== 'tfjs-node' && !p.startsWith('.')) symlinkSync(join(scope, p), join(nodeModules, '@tensorflow', p));
}

/**
 * A project folder `root` with node_modules/@tensorflow/* linked to balms's own (so that a
 * package there shares balms's tfjs) and a fake @tensorflow/tfjs-node whose binding is `binding`
 * (a C++ source) and calls `uses`. Returns the node_modules folder.
 */
export function fakeProject(root: string, binding: string): string {
  const nm = join(root, 'node_modules');
  linkTfjsScope(nm);
  const pkg = join(nm, '@tensorflow', 'tfjs-node');
  mkdirSync(join(pkg, 'binding'), { recursive: true });
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({
    name: '@tensorflow/tfjs-node', version: balmsTfjs().version, main: 'index.js',
    binary: { module_name: 'tfjs_binding', module_path: './lib/napi-v{napi_build_version}', napi_versions: [3, 8] },
  }));
  writeFileSync(join(pkg, 'index.js'), 'module.exports = {};\n');
  writeFileSync(join(pkg, 'binding', 'tfjs_binding.cc'), binding);
  writeFileSync(join(pkg, 'binding.gyp'), JSON.stringify({
    targets: [{ target_name: 'tfjs_binding', sources: ['binding/tfjs_binding.cc'], include_dirs: ['<(module_root_dir)/deps/include'] }],
  }));
  return nm;
}
