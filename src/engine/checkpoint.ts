/**
 * Checkpoints: one binary file holding named tensors (model, optimizer, meta-learner state) and a JSON
 * header (iteration, config, RNG and sampler state…). Layout:
 *   "BALMSCK1" | uint32 LE header length | header JSON (utf8) | tensor bytes (little-endian, in header order)
 * Written atomically (temp file + rename), so a crash never leaves a half-written checkpoint.
 */
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../util/atomicWrite.js';
import { BalmsInputError } from '../util/errors.js';

const MAGIC = 'BALMSCK1';

interface TensorSpec {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  byteLength: number;
}

export interface CheckpointContents {
  /** JSON-serialisable state (iteration, config, rng, sampler…). */
  meta: Record<string, unknown>;
  tensors: Map<string, tf.Tensor>;
}

/** Writes a checkpoint atomically. The tensors are read, not disposed. */
export function saveCheckpoint(path: string, meta: Record<string, unknown>, tensors: ReadonlyMap<string, tf.Tensor>): void {
  const specs: TensorSpec[] = [];
  const chunks: Uint8Array[] = [];
  for (const [name, t] of tensors) {
    if (t.dtype !== 'float32' && t.dtype !== 'int32') throw new Error(`saveCheckpoint: ${name} has unsupported dtype ${t.dtype}`);
    const data = t.dataSync() as Float32Array | Int32Array;
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    specs.push({ name, shape: t.shape.slice(), dtype: t.dtype, byteLength: bytes.byteLength });
    chunks.push(bytes);
  }
  const header = new TextEncoder().encode(JSON.stringify({ version: 1, meta, tensors: specs }));
  const total = MAGIC.length + 4 + header.byteLength + chunks.reduce((s, c) => s + c.byteLength, 0);
  const out = new Uint8Array(total);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(MAGIC.length, header.byteLength, true);
  let off = MAGIC.length + 4;
  out.set(header, off);
  off += header.byteLength;
  for (const c of chunks) {
    out.set(c, off);
    off += c.byteLength;
  }
  writeFileAtomic(path, out);
}

/** Reads a checkpoint; the caller owns (and must dispose) the returned tensors. */
export function loadCheckpoint(path: string): CheckpointContents {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    throw new BalmsInputError(`cannot read checkpoint: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { file: path });
  }
  if (buf.byteLength < MAGIC.length + 4 || buf.toString('latin1', 0, MAGIC.length) !== MAGIC) {
    throw new BalmsInputError('not a balms checkpoint (bad magic)', { file: path });
  }
  const headerLen = buf.readUInt32LE(MAGIC.length);
  const start = MAGIC.length + 4;
  if (start + headerLen > buf.byteLength) throw new BalmsInputError('truncated checkpoint header', { file: path });
  let header: { version: number; meta: Record<string, unknown>; tensors: TensorSpec[] };
  try {
    header = JSON.parse(buf.toString('utf8', start, start + headerLen)) as typeof header;
  } catch {
    throw new BalmsInputError('corrupt checkpoint header', { file: path });
  }
  if (header.version !== 1) throw new BalmsInputError(`unsupported checkpoint version ${header.version}`, { file: path });
  let off = start + headerLen;
  const tensors = new Map<string, tf.Tensor>();
  for (const s of header.tensors) {
    if (off + s.byteLength > buf.byteLength) {
      for (const t of tensors.values()) t.dispose();
      throw new BalmsInputError(`truncated checkpoint data at tensor ${s.name}`, { file: path });
    }
    const bytes = buf.subarray(off, off + s.byteLength);
    const copy = new ArrayBuffer(s.byteLength);
    new Uint8Array(copy).set(bytes);
    const data = s.dtype === 'int32' ? new Int32Array(copy) : new Float32Array(copy);
    tensors.set(s.name, tf.tensor(data, s.shape, s.dtype));
    off += s.byteLength;
  }
  return { meta: header.meta, tensors };
}
