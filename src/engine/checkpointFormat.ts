/**
 * The checkpoint format, read from bytes (no file system: the `balms view` page reads checkpoints
 * it fetched). Layout (version 2):
 *   "BALMSCK2" | uint32 LE header length | uint32 LE CRC-32 of header ‖ data | header JSON (utf8) |
 *   tensor bytes (little-endian, in header order)
 * Decoding checks everything before building a tensor: the magic, the header against its schema,
 * every tensor spec against its data (dtype, shape, byte length, the exact size), the checksum, and
 * that every float is finite; each failure is a `BalmsInputError` naming the file. Version 1 files
 * ("BALMSCK1" | uint32 LE header length | header | data, no checksum) are still read. Files are read
 * and written by checkpoint.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { crc32 } from '../util/crc32.js';
import { BalmsInputError, BalmsInternalError } from '../util/errors.js';

/** The magic of the version written (2). */
export const CHECKPOINT_MAGIC = 'BALMSCK2';
/** The magic of version 1 files (no checksum), still read. */
export const CHECKPOINT_MAGIC_V1 = 'BALMSCK1';
/** Bytes before the header JSON: magic, header length, CRC-32 (version 2). */
export const CHECKPOINT_PREFIX = CHECKPOINT_MAGIC.length + 8;
const PREFIX_V1 = CHECKPOINT_MAGIC_V1.length + 4;

export interface TensorSpec {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  byteLength: number;
}

export interface CheckpointHeader {
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
export function firstNonFinite(a: Float32Array): number {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i]!)) return i;
  return -1;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Checks the header's shape; returns the key at fault and the problem, or null. */
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

function hex(v: number): string {
  return `0x${v.toString(16).padStart(8, '0')}`;
}

/** Decodes and checks a checkpoint's bytes; `file` names it in messages. The caller disposes the tensors. */
export function decodeCheckpoint(bytes: Uint8Array, file: string): CheckpointContents {
  const bad = (problem: string, key?: string): never => {
    throw new BalmsInputError(problem, { file, path: key });
  };
  const magicLen = CHECKPOINT_MAGIC.length;
  const magic = bytes.byteLength >= magicLen ? String.fromCharCode(...bytes.subarray(0, magicLen)) : '';
  if (magic !== CHECKPOINT_MAGIC && magic !== CHECKPOINT_MAGIC_V1) bad('not a balms checkpoint (bad magic)');
  const v1 = magic === CHECKPOINT_MAGIC_V1;
  const start = v1 ? PREFIX_V1 : CHECKPOINT_PREFIX;
  if (bytes.byteLength < start) bad('truncated checkpoint header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = view.getUint32(magicLen, true);
  if (start + headerLen > bytes.byteLength) bad('truncated checkpoint header');
  if (!v1) {
    const want = view.getUint32(magicLen + 4, true);
    const got = crc32(bytes.subarray(start));
    if (want !== got) bad(`checksum mismatch (stored ${hex(want)}, computed ${hex(got)}): the file is corrupt or was changed`);
  }
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(start, start + headerLen)));
  } catch {
    bad('corrupt checkpoint header (not JSON)');
  }
  if (isPlainObject(header) && header['version'] !== (v1 ? 1 : 2)) bad(`unsupported checkpoint version ${JSON.stringify(header['version'])}`, 'version');
  const problem = headerProblem(header);
  if (problem) bad(`corrupt checkpoint header: ${problem[1]}`, problem[0]);
  const h = header as CheckpointHeader;
  const dataBytes = h.tensors.reduce((s, t) => s + t.byteLength, 0);
  const have = bytes.byteLength - start - headerLen;
  if (have !== dataBytes) bad(have < dataBytes ? `truncated checkpoint data: the specs need ${dataBytes} bytes, the file has ${have}` : `${have - dataBytes} unexpected bytes after the tensor data`);
  // check every value before building any tensor (nothing to dispose on failure)
  const arrays: Array<Float32Array | Int32Array> = [];
  let off = start + headerLen;
  for (const [i, s] of h.tensors.entries()) {
    const copy = new ArrayBuffer(s.byteLength);
    new Uint8Array(copy).set(bytes.subarray(off, off + s.byteLength));
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
  if (tensors.size !== h.tensors.length) throw new BalmsInternalError('decodeCheckpoint: tensor names were checked unique');
  return { meta: h.meta, tensors };
}
