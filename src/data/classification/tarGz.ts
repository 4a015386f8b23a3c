/**
 * A small reader of (gzipped) tar archives over node:zlib: the regular files of a ustar / GNU / pax
 * archive with their full paths (ustar `prefix`, GNU `././@LongLink` and pax `path` long names).
 * The whole archive is inflated in memory; entries are views into that buffer, not copies.
 */
import { readFile } from 'node:fs/promises';
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { BalmsInputError } from '../../util/errors.js';
import { fsInputError } from '../../util/fsErrors.js';

export interface TarEntry {
  /** The member's path inside the archive (`train/airplane/0000.jpg`; a folder's has no trailing `/`). */
  readonly name: string;
  readonly kind: 'file' | 'directory';
  /** The file's bytes (empty for a folder). */
  readonly data: Uint8Array;
}

const BLOCK = 512;
const gunzipAsync = promisify(gunzip);

/** Whether a file name looks like a gzipped tarball (`.tar.gz`, `.tgz`). */
export function isTarGzName(name: string): boolean {
  return /\.(tar\.gz|tgz)$/i.test(name);
}

/** Reads a gzipped tar file (or a plain one, when it does not start with the gzip magic) and lists its regular files and folders. */
export async function readTarGz(path: string): Promise<TarEntry[]> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw fsInputError(e, path, 'cannot read the tarball');
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = await gunzipAsync(bytes);
    } catch (e) {
      throw new BalmsInputError(`not a readable gzip file (${(e as Error).message})`, { file: path });
    }
  }
  return parseTar(bytes, path);
}

/** The regular files and folders of an uncompressed tar archive (`file` only names it in errors). */
export function parseTar(tar: Uint8Array, file: string): TarEntry[] {
  const entries: TarEntry[] = [];
  let longName: string | undefined;
  let off = 0;
  while (off + BLOCK <= tar.length) {
    const header = tar.subarray(off, off + BLOCK);
    if (header.every((b) => b === 0)) return entries; // end-of-archive marker
    if (!checksumOk(header)) throw new BalmsInputError(`bad tar header checksum at byte ${off}`, { file });
    const size = octal(header, 124, 12, file, off);
    const type = String.fromCharCode(header[156]!);
    const dataStart = off + BLOCK;
    if (dataStart + size > tar.length) throw new BalmsInputError(`tar member at byte ${off} is truncated (needs ${size} bytes)`, { file });
    const data = tar.subarray(dataStart, dataStart + size);
    off = dataStart + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'L') {
      longName = cString(data, 0, data.length);
      continue;
    }
    if (type === 'x') {
      longName = paxPath(data) ?? longName;
      continue;
    }
    const name = longName ?? headerName(header);
    longName = undefined;
    if (type === '0' || type === '\0' || type === '7') entries.push({ name, kind: 'file', data });
    else if (type === '5') entries.push({ name: name.replace(/\/+$/, ''), kind: 'directory', data });
  }
  throw new BalmsInputError(`tar archive is truncated (no end-of-archive marker after byte ${off})`, { file });
}

function headerName(h: Uint8Array): string {
  const name = cString(h, 0, 100);
  const ustar = cString(h, 257, 6) === 'ustar';
  const prefix = ustar ? cString(h, 345, 155) : '';
  return prefix ? `${prefix}/${name}` : name;
}

function cString(b: Uint8Array, start: number, len: number): string {
  let end = start;
  while (end < start + len && b[end] !== 0) end++;
  return Buffer.from(b.buffer, b.byteOffset + start, end - start).toString('utf8');
}

function octal(h: Uint8Array, start: number, len: number, file: string, at: number): number {
  const s = cString(h, start, len).trim();
  if (!/^[0-7]*$/.test(s)) throw new BalmsInputError(`bad tar header at byte ${at}: size field "${s}" is not octal`, { file });
  return s ? parseInt(s, 8) : 0;
}

function checksumOk(h: Uint8Array): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
  const stored = cString(h, 148, 8).trim();
  return /^[0-7]+$/.test(stored) && parseInt(stored, 8) === sum;
}

/** The `path` record of a pax extended header (`<len> path=<value>\n` records; lengths count bytes). */
function paxPath(data: Uint8Array): string | undefined {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  let pos = 0;
  let path: string | undefined;
  while (pos < buf.length) {
    const space = buf.indexOf(0x20, pos);
    const len = parseInt(buf.toString('latin1', pos, space), 10);
    if (!(space > pos && len > 0)) break;
    const record = buf.toString('utf8', space + 1, pos + len - 1);
    if (record.startsWith('path=')) path = record.slice(5);
    pos += len;
  }
  return path;
}
