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

import { CHECKPOINT_MAGIC as MAGIC, decodeCheckpoint, type CheckpointContents, type TensorSpec } from './checkpointFormat.js';

export type { CheckpointContents } from './checkpointFormat.js';

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
  return decodeCheckpoint(buf, path);
}
