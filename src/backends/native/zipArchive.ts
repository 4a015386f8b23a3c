/**
 * Reading a zip archive (a Python wheel) without loading it: the central directory is parsed from
 * the end of the file, and each member is streamed (stored or deflated) to disk with its CRC-32
 * checked. ZIP64 sizes and offsets are supported; encryption and multi-disk archives are not.
 */
import { createReadStream, createWriteStream, openSync, closeSync, fstatSync } from 'node:fs';
import { readAt } from './readAt.js';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createInflateRaw } from 'node:zlib';
import { crc32 } from './crc32.js';

/** One member of a zip archive, as its central directory describes it. */
export interface ZipEntry {
  name: string;
  /** 0 = stored, 8 = deflated. */
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  /** Offset of the member's local header in the archive. */
  headerOffset: number;
}

/** Thrown when a file is not a zip archive this reader understands; the message says why. */
export class ZipFormatError extends Error {
  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.name = 'ZipFormatError';
  }
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/** The members of the zip archive `file`, in central-directory order. */
export function listZip(file: string): ZipEntry[] {
  const fd = openSync(file, 'r');
  try {
    const fileSize = fstatSync(fd).size;
    const tailLen = Math.min(fileSize, 22 + 0xffff);
    const tail = readAt(fd, fileSize - tailLen, tailLen);
    let eocd = -1;
    for (let i = tail.length - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === EOCD) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw new ZipFormatError(file, 'not a zip archive (no end-of-central-directory record)');
    let count = tail.readUInt16LE(eocd + 10);
    let cdSize = tail.readUInt32LE(eocd + 12);
    let cdOffset = tail.readUInt32LE(eocd + 16);
    if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
      const loc = eocd - 20;
      if (loc < 0 || tail.readUInt32LE(loc) !== ZIP64_LOCATOR) throw new ZipFormatError(file, 'ZIP64 archive without its locator record');
      const z64 = readAt(fd, Number(tail.readBigUInt64LE(loc + 8)), 56);
      if (z64.length < 56 || z64.readUInt32LE(0) !== ZIP64_EOCD) throw new ZipFormatError(file, 'damaged ZIP64 end-of-central-directory record');
      count = Number(z64.readBigUInt64LE(32));
      cdSize = Number(z64.readBigUInt64LE(40));
      cdOffset = Number(z64.readBigUInt64LE(48));
    }
    if (cdOffset + cdSize > fileSize) throw new ZipFormatError(file, 'truncated (the central directory lies past the end of the file)');
    const cd = readAt(fd, cdOffset, cdSize);
    const entries: ZipEntry[] = [];
    let p = 0;
    for (let i = 0; i < count; i++) {
      if (p + 46 > cd.length || cd.readUInt32LE(p) !== CENTRAL) throw new ZipFormatError(file, `damaged central directory at entry ${i}`);
      const flags = cd.readUInt16LE(p + 8);
      const method = cd.readUInt16LE(p + 10);
      const crc = cd.readUInt32LE(p + 16);
      let compressedSize = cd.readUInt32LE(p + 20);
      let size = cd.readUInt32LE(p + 24);
      const nameLen = cd.readUInt16LE(p + 28);
      const extraLen = cd.readUInt16LE(p + 30);
      const commentLen = cd.readUInt16LE(p + 32);
      let headerOffset = cd.readUInt32LE(p + 42);
      const name = cd.toString('utf8', p + 46, p + 46 + nameLen);
      if (flags & 1) throw new ZipFormatError(file, `${name} is encrypted`);
      // ZIP64 extended information: the 0xffffffff fields, in this order
      let e = p + 46 + nameLen;
      const extraEnd = e + extraLen;
      while (e + 4 <= extraEnd) {
        const id = cd.readUInt16LE(e);
        const len = cd.readUInt16LE(e + 2);
        if (id === 0x0001) {
          let q = e + 4;
          if (size === 0xffffffff) { size = Number(cd.readBigUInt64LE(q)); q += 8; }
          if (compressedSize === 0xffffffff) { compressedSize = Number(cd.readBigUInt64LE(q)); q += 8; }
          if (headerOffset === 0xffffffff) { headerOffset = Number(cd.readBigUInt64LE(q)); q += 8; }
        }
        e += 4 + len;
      }
      entries.push({ name, method, crc, compressedSize, size, headerOffset });
      p = extraEnd + commentLen;
    }
    return entries;
  } finally {
    closeSync(fd);
  }
}

/** Reads one (small) member into memory. */
export async function readZipEntry(file: string, entry: ZipEntry): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const sink = new Transform({
    transform(chunk: Buffer, _enc, done) {
      chunks.push(chunk);
      done();
    },
  });
  await streamEntry(file, entry, sink);
  return Buffer.concat(chunks);
}

/** Streams one member to the file `dest` (created or replaced), checking its size and CRC-32. */
export async function extractZipEntry(file: string, entry: ZipEntry, dest: string): Promise<void> {
  await streamEntry(file, entry, createWriteStream(dest));
}

async function streamEntry(file: string, entry: ZipEntry, sink: NodeJS.WritableStream): Promise<void> {
  if (entry.method !== 0 && entry.method !== 8) throw new ZipFormatError(file, `${entry.name}: compression method ${entry.method} is not supported`);
  const fd = openSync(file, 'r');
  let dataStart: number;
  try {
    const h = readAt(fd, entry.headerOffset, 30);
    if (h.length < 30 || h.readUInt32LE(0) !== LOCAL) throw new ZipFormatError(file, `${entry.name}: damaged local header`);
    dataStart = entry.headerOffset + 30 + h.readUInt16LE(26) + h.readUInt16LE(28);
  } finally {
    closeSync(fd);
  }
  let crc = 0;
  let size = 0;
  const check = new Transform({
    transform(chunk: Buffer, _enc, done) {
      crc = crc32(chunk, crc);
      size += chunk.length;
      done(null, chunk);
    },
    flush(done) {
      if (size !== entry.size) done(new ZipFormatError(file, `${entry.name}: expected ${entry.size} bytes, got ${size} (truncated archive?)`));
      else if (crc !== entry.crc) done(new ZipFormatError(file, `${entry.name}: CRC-32 mismatch (damaged archive)`));
      else done();
    },
  });
  const source = entry.compressedSize === 0
    ? Readable.from([])
    : createReadStream(file, { start: dataStart, end: dataStart + entry.compressedSize - 1, highWaterMark: 1 << 20 });
  if (entry.method === 8) await pipeline(source, createInflateRaw(), check, sink);
  else await pipeline(source, check, sink);
}
