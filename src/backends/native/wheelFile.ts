/**
 * A TensorFlow Python wheel seen as what tfjs-node needs from it: the shared libraries with the C
 * API, the C API headers, and (for the GPU wheel) the CUDA requirements in its metadata. The wheel
 * is a zip archive; nothing of Python is run.
 */
import { existsSync, linkSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, posix } from 'node:path';
import { BalmsInputError } from '../../util/errors.js';
import { hostElfMachine, readElfExports, ElfFormatError } from './elfSymbols.js';
import { extractZipEntry, listZip, readZipEntry, ZipFormatError, type ZipEntry } from './zipArchive.js';

/** The parts of a wheel's file name (PEP 427): `{dist}-{version}(-{build})?-{python}-{abi}-{platform}.whl`. */
export interface WheelName {
  distribution: string;
  version: string;
  pythonTag: string;
  abiTag: string;
  /** The platform tags (a compressed tag set `a.b` gives two). */
  platforms: string[];
}

/** Parses a wheel file name; null when `file` is not named like a wheel. */
export function parseWheelName(file: string): WheelName | null {
  const name = basename(file);
  if (!name.endsWith('.whl')) return null;
  const parts = name.slice(0, -4).split('-');
  if (parts.length !== 5 && parts.length !== 6) return null;
  const [distribution, version] = parts as [string, string];
  const [pythonTag, abiTag, platform] = parts.slice(-3) as [string, string, string];
  return { distribution, version, pythonTag, abiTag, platforms: platform.split('.') };
}

/** The wheel platform tags' architecture suffix on this machine, or null where tfjs-node cannot be built from a wheel. */
export function hostWheelArch(): string | null {
  if (process.platform !== 'linux') return null;
  const m = hostElfMachine();
  return m === 'x86_64' || m === 'aarch64' ? m : null;
}

/** Throws unless one of the wheel's platform tags is a glibc Linux tag for this machine's architecture. */
export function checkWheelPlatform(file: string, name: WheelName): void {
  const arch = hostWheelArch();
  const ok = arch !== null && name.platforms.some((p) => (p.startsWith('manylinux') || p.startsWith('linux_')) && p.endsWith(`_${arch}`));
  if (!ok) {
    throw new BalmsInputError(`wheel of the wrong platform: ${name.platforms.join('.')} (this machine needs a manylinux/linux ${arch ?? process.arch} wheel)`, { file });
  }
}

/** Where things lie inside a TensorFlow wheel. */
const LIB_CC = 'tensorflow/libtensorflow_cc.so.2';
const LIB_FRAMEWORK = 'tensorflow/libtensorflow_framework.so.2';
const INCLUDE = 'tensorflow/include/';

/** An opened TensorFlow wheel: its file, parsed name and members. */
export interface TensorflowWheel {
  file: string;
  name: WheelName;
  entries: Map<string, ZipEntry>;
}

/** Opens a TensorFlow wheel, checking that it exists, is a zip of this machine's platform and holds the two libraries. */
export function openTensorflowWheel(file: string): TensorflowWheel {
  if (!existsSync(file) || !statSync(file).isFile()) throw new BalmsInputError('wheel not found', { file });
  const name = parseWheelName(file);
  if (!name) throw new BalmsInputError('not a wheel (expected a file named like tensorflow_cpu-2.21.0-cp311-cp311-manylinux_2_27_x86_64.whl)', { file });
  checkWheelPlatform(file, name);
  let list: ZipEntry[];
  try {
    list = listZip(file);
  } catch (e) {
    if (e instanceof ZipFormatError) throw new BalmsInputError(`unreadable wheel: ${e.message.slice(file.length + 2)}`, { file });
    throw e;
  }
  const entries = new Map(list.map((e) => [e.name, e]));
  for (const lib of [LIB_CC, LIB_FRAMEWORK]) {
    if (!entries.has(lib)) throw new BalmsInputError(`not a TensorFlow wheel with the C library: ${lib} is missing`, { file });
  }
  return { file, name, entries };
}

/** The text of the wheel's `*.dist-info/METADATA`. */
export async function readWheelMetadata(file: string, entries: Map<string, ZipEntry>): Promise<string> {
  const meta = [...entries.values()].find((e) => /^[^/]+\.dist-info\/METADATA$/.test(e.name));
  if (!meta) throw new BalmsInputError('wheel without a .dist-info/METADATA', { file });
  return (await readZipEntry(file, meta)).toString('utf8');
}

/**
 * The requirements of the `and-cuda` extra in a TensorFlow wheel's METADATA (the nvidia-* CUDA and
 * cuDNN wheels), as pip requirement strings, e.g. `nvidia-cudnn-cu12<10.0,>=9.3.0.75`. `skip` drops
 * distributions by name (the nvcc compiler wheel holds no library tfjs-node loads).
 */
export function cudaRequirements(metadata: string, skip: readonly string[] = ['nvidia-cuda-nvcc-cu12']): string[] {
  const out: string[] = [];
  for (const line of metadata.split(/\r?\n/)) {
    const m = /^Requires-Dist:\s*([^;]+);\s*extra\s*==\s*["']and-cuda["']\s*$/.exec(line);
    if (!m) continue;
    const req = m[1]!.replace(/\s+/g, '');
    const dist = /^[A-Za-z0-9._-]+/.exec(req)![0];
    if (!skip.includes(dist.toLowerCase())) out.push(req);
  }
  return out;
}

/** The file names tfjs-node's build and loader look for in `deps/lib`, each a hard link to one of the two wheel libraries. */
export const LIBRARY_NAMES: Record<string, readonly string[]> = {
  [LIB_CC]: ['libtensorflow_cc.so.2', 'libtensorflow.so.2', 'libtensorflow.so'],
  [LIB_FRAMEWORK]: ['libtensorflow_framework.so.2', 'libtensorflow_framework.so'],
};

/**
 * Extracts the two libraries into `libDir` (real files; the other names are hard links, so they
 * take no extra space) and checks their machine and that together they define every C-API function
 * in `requiredSymbols`. Returns the paths of the extracted libraries.
 */
export async function extractLibraries(wheel: TensorflowWheel, libDir: string, requiredSymbols: readonly string[]): Promise<string[]> {
  mkdirSync(libDir, { recursive: true });
  const defined = new Set<string>();
  const out: string[] = [];
  for (const [member, names] of Object.entries(LIBRARY_NAMES)) {
    const first = join(libDir, names[0]!);
    await extractZipEntry(wheel.file, wheel.entries.get(member)!, first);
    for (const other of names.slice(1)) linkSync(first, join(libDir, other));
    out.push(first);
    let exports;
    try {
      exports = readElfExports(first, (s) => s.startsWith('TF_') || s.startsWith('TFE_'));
    } catch (e) {
      if (e instanceof ElfFormatError) throw new BalmsInputError(`${member} is not a Linux shared library (${e.message.slice(first.length + 2)})`, { file: wheel.file });
      throw e;
    }
    if (exports.machine !== hostElfMachine()) {
      throw new BalmsInputError(`wheel of the wrong platform: ${member} is built for ${exports.machine}, this machine is ${hostElfMachine()}`, { file: wheel.file });
    }
    for (const s of exports.symbols) defined.add(s);
  }
  const missing = requiredSymbols.filter((s) => !defined.has(s));
  if (missing.length) {
    const shown = missing.slice(0, 4).join(', ') + (missing.length > 4 ? ` and ${missing.length - 4} more` : '');
    throw new BalmsInputError(`the wheel's libraries lack the TensorFlow C API that tfjs-node needs (${shown} not exported)`, { file: wheel.file });
  }
  return out;
}

/**
 * Extracts into `includeDir` the wheel's C-API headers that the `seeds` (include paths such as
 * `tensorflow/c/c_api.h`) need, following their `#include "…"` lines through the wheel's include
 * tree, rather than the whole 290 MB tree. Seeds that the wheel lacks are an error.
 */
export async function extractHeaders(wheel: TensorflowWheel, includeDir: string, seeds: readonly string[]): Promise<number> {
  for (const s of seeds) {
    if (!wheel.entries.has(INCLUDE + s)) {
      throw new BalmsInputError(`the wheel lacks the C API header ${s} (under ${INCLUDE}) that tfjs-node includes`, { file: wheel.file });
    }
  }
  const done = new Set<string>();
  const queue = [...seeds];
  while (queue.length) {
    const rel = queue.pop()!;
    if (done.has(rel)) continue;
    done.add(rel);
    const entry = wheel.entries.get(INCLUDE + rel)!;
    const bytes = await readZipEntry(wheel.file, entry);
    const dest = join(includeDir, rel);
    mkdirSync(dirname(dest), { recursive: true });
    writeFileSync(dest, bytes);
    const text = bytes.toString('utf8');
    for (const m of text.matchAll(/^\s*#\s*include\s+"([^"]+)"/gm)) {
      const inc = m[1]!;
      // quoted includes: relative to the including header first, then to the include root
      const local = posix.normalize(posix.join(posix.dirname(rel), inc));
      if (wheel.entries.has(INCLUDE + local)) queue.push(local);
      else if (wheel.entries.has(INCLUDE + inc)) queue.push(inc);
    }
  }
  return done.size;
}

/**
 * Extracts the CUDA/cuDNN shared libraries (`nvidia/<part>/lib/*.so*`) of an nvidia-* wheel into
 * `depsDir/nvidia/<part>/lib/` (the layout the GPU wheel's libraries find through their
 * `$ORIGIN/../nvidia/<part>/lib` run paths, as in site-packages) and hard-links each into
 * `depsDir/lib/` (found through `$ORIGIN`); no byte is stored twice. Returns the library names.
 */
export async function extractNvidiaLibraries(file: string, depsDir: string): Promise<string[]> {
  const libDir = join(depsDir, 'lib');
  mkdirSync(libDir, { recursive: true });
  const names: string[] = [];
  for (const e of listZip(file)) {
    if (!/^nvidia\/[^/]+\/lib\/[^/]+\.so(\.\d+)*$/.test(e.name)) continue;
    const dest = join(depsDir, ...e.name.split('/'));
    mkdirSync(dirname(dest), { recursive: true });
    await extractZipEntry(file, e, dest);
    const name = posix.basename(e.name);
    rmSync(join(libDir, name), { force: true });
    linkSync(dest, join(libDir, name));
    names.push(name);
  }
  return names;
}
