/**
 * Checkpoints: one binary file holding named tensors (model, optimizer, meta-learner state) and a JSON
 * header (iteration, config, RNG and sampler state…). Layout (version 2):
 *   "BALMSCK2" | uint32 LE header length | uint32 LE CRC-32 of header ‖ data | header JSON (utf8) |
 *   tensor bytes (little-endian, in header order)
 * Loading checks everything before building a tensor: the magic, the header against its schema,
 * every tensor spec against its data (dtype, shape, byte length, the file's exact size), the
 * checksum, and that every float is finite; each failure is a `BalmsInputError` naming the file.
 * Saving refuses non-finite values. Written atomically (temp file + rename), so a crash never leaves
 * a half-written checkpoint. Version 1 files ("BALMSCK1", no checksum) are still read.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../util/atomicWrite.js';
import { crc32 } from '../util/crc32.js';
import { BalmsInputError, BalmsInternalError, TrainingDivergedError } from '../util/errors.js';
import { fsInputError } from '../util/fsErrors.js';

const MAGIC_V1 = 'BALMSCK1';
const MAGIC = 'BALMSCK2';
const PREFIX_V1 = MAGIC.length + 4;
const PREFIX = MAGIC.length + 8;

interface TensorSpec {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  byteLength: number;
}

interface Header {
  version: 1 | 2;
  meta: Record<string, unknown>;
  tensors: TensorSpec[];
}

export interface CheckpointContents {
  /** JSON-serialisable state (iteration, config, rng, sampler…). */
  meta: Record<string, unknown>;
  tensors: Map<string, tf.Tensor>;
}

/** The index of the first non-finite value, or -1. */
function firstNonFinite(a: Float32Array): number {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i]!)) return i;
  return -1;
}

/**
 * Writes a checkpoint atomically. The tensors are read, not disposed. A tensor holding NaN or ±∞ is
 * refused with a `TrainingDivergedError` (the previous file stays), so a checkpoint on disk is always finite.
 */
export function saveCheckpoint(path: string, meta: Record<string, unknown>, tensors: ReadonlyMap<string, tf.Tensor>): void {
  const specs: TensorSpec[] = [];
  const chunks: Uint8Array[] = [];
  for (const [name, t] of tensors) {
    if (t.dtype !== 'float32' && t.dtype !== 'int32') throw new BalmsInputError(`saveCheckpoint: ${name} has unsupported dtype ${t.dtype} (float32 or int32)`, { file: path });
    const data = t.dataSync() as Float32Array | Int32Array;
    if (data instanceof Float32Array) {
      const bad = firstNonFinite(data);
      if (bad >= 0) {
        const iteration = typeof meta['iteration'] === 'number' ? meta['iteration'] : NaN;
        throw new TrainingDivergedError(iteration, `${name}[${bad}] is ${data[bad]} (not written to ${path})`, existsSync(path) ? path : null);
      }
    }
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    specs.push({ name, shape: t.shape.slice(), dtype: t.dtype, byteLength: bytes.byteLength });
    chunks.push(bytes);
  }
  const header = new TextEncoder().encode(JSON.stringify({ version: 2, meta, tensors: specs } satisfies Header));
  const total = PREFIX + header.byteLength + chunks.reduce((s, c) => s + c.byteLength, 0);
  const out = new Uint8Array(total);
  out.set(new TextEncoder().encode(MAGIC), 0);
  let off = PREFIX;
  out.set(header, off);
  off += header.byteLength;
  for (const c of chunks) {
    out.set(c, off);
    off += c.byteLength;
  }
  const view = new DataView(out.buffer);
  view.setUint32(MAGIC.length, header.byteLength, true);
  view.setUint32(MAGIC.length + 4, crc32(out.subarray(PREFIX)), true);
  writeFileAtomic(path, out);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Checks the header's shape; returns the problem and its key, or null. */
function headerProblem(h: unknown): [string, string] | null {
  if (!isPlainObject(h)) return ['header', 'must be a JSON object'];
  if (!isPlainObject(h['meta'])) return ['meta', 'must be an object'];
  const tensors = h['tensors'];
  if (!Array.isArray(tensors)) return ['tensors', 'must be a list of tensor specs'];
  const names = new Set<string>();
  for (let i = 0; i < tensors.length; i++) {
    const s: unknown = tensors[i];
    const at = `tensors[${i}]`;
    if (!isPlainObject(s)) return [at, 'must be an object {name, shape, dtype, byteLength}'];
    const { name, shape, dtype, byteLength } = s;
    if (typeof name !== 'string' || name === '') return [`${at}.name`, 'must be a non-empty string'];
    if (names.has(name)) return [`${at}.name`, `duplicate tensor name ${JSON.stringify(name)}`];
    names.add(name);
    if (dtype !== 'float32' && dtype !== 'int32') return [`${at}.dtype`, `must be "float32" or "int32", got ${JSON.stringify(dtype)}`];
    if (!Array.isArray(shape) || shape.length > 8 || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
      return [`${at}.shape`, `must be a list of at most 8 non-negative integers, got ${JSON.stringify(shape)}`];
    }
    const size = (shape as number[]).reduce((a, b) => a * b, 1);
    if (!Number.isSafeInteger(byteLength) || byteLength !== size * 4) {
      return [`${at}.byteLength`, `is ${JSON.stringify(byteLength)}, shape [${shape}] of ${dtype} needs ${size * 4} bytes`];
    }
  }
  return null;
}

/** Reads and checks a checkpoint; the caller owns (and must dispose) the returned tensors. */
export function loadCheckpoint(path: string): CheckpointContents {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    const err = fsInputError(e, path, 'cannot read checkpoint');
    throw err instanceof BalmsInputError ? err : new BalmsInputError(`cannot read checkpoint: ${String(e)}`, { file: path });
  }
  const bad = (problem: string, key?: string): never => {
    throw new BalmsInputError(problem, { file: path, path: key });
  };
  const magic = buf.byteLength >= MAGIC.length ? buf.toString('latin1', 0, MAGIC.length) : '';
  if (magic !== MAGIC && magic !== MAGIC_V1) bad('not a balms checkpoint (bad magic)');
  const v1 = magic === MAGIC_V1;
  const start = v1 ? PREFIX_V1 : PREFIX;
  if (buf.byteLength < start) bad('truncated checkpoint header');
  const headerLen = buf.readUInt32LE(MAGIC.length);
  if (start + headerLen > buf.byteLength) bad('truncated checkpoint header');
  if (!v1) {
    const want = buf.readUInt32LE(MAGIC.length + 4);
    const got = crc32(buf.subarray(start));
    if (want !== got) bad(`checksum mismatch (stored ${hex(want)}, computed ${hex(got)}): the file is corrupt or was changed`);
  }
  let header: unknown;
  try {
    header = JSON.parse(buf.toString('utf8', start, start + headerLen));
  } catch {
    bad('corrupt checkpoint header (not JSON)');
  }
  if (isPlainObject(header) && header['version'] !== (v1 ? 1 : 2)) bad(`unsupported checkpoint version ${JSON.stringify(header['version'])}`, 'version');
  const problem = headerProblem(header);
  if (problem) bad(`corrupt checkpoint header: ${problem[1]}`, problem[0]);
  const h = header as Header;
  const dataBytes = h.tensors.reduce((s, t) => s + t.byteLength, 0);
  const have = buf.byteLength - start - headerLen;
  if (have !== dataBytes) bad(have < dataBytes ? `truncated checkpoint data: the specs need ${dataBytes} bytes, the file has ${have}` : `${have - dataBytes} unexpected bytes after the tensor data`);
  // check every value before building any tensor (nothing to dispose on failure)
  const arrays: Array<Float32Array | Int32Array> = [];
  let off = start + headerLen;
  for (const [i, s] of h.tensors.entries()) {
    const copy = new ArrayBuffer(s.byteLength);
    new Uint8Array(copy).set(buf.subarray(off, off + s.byteLength));
    off += s.byteLength;
    const data = s.dtype === 'int32' ? new Int32Array(copy) : new Float32Array(copy);
    if (data instanceof Float32Array) {
      const k = firstNonFinite(data);
      if (k >= 0) bad(`tensor ${s.name} holds a non-finite value (${data[k]} at ${k}): the weights diverged or the file is corrupt`, `tensors[${i}]`);
    }
    arrays.push(data);
  }
  const tensors = new Map<string, tf.Tensor>();
  h.tensors.forEach((s, i) => tensors.set(s.name, tf.tensor(arrays[i]!, s.shape, s.dtype)));
  if (tensors.size !== h.tensors.length) throw new BalmsInternalError('loadCheckpoint: tensor names were checked unique');
  return { meta: h.meta, tensors };
}

function hex(v: number): string {
  return `0x${v.toString(16).padStart(8, '0')}`;
}
