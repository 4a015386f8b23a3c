/**
 * Checkpoints: one binary file holding named tensors (model, optimizer, meta-learner state) and a JSON
 * header (iteration, config, RNG and sampler state…). The format (version 2: magic, header length,
 * CRC-32, header JSON, tensor bytes) and its checked decoding are in checkpointFormat.ts; this file
 * reads and writes the files. Saving refuses non-finite values. Written atomically (temp file +
 * rename), so a crash never leaves a half-written checkpoint. Version 1 files are still read.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../util/atomicWrite.js';
import { crc32 } from '../util/crc32.js';
import { BalmsInputError, TrainingDivergedError } from '../util/errors.js';
import { fsInputError } from '../util/fsErrors.js';
import {
  CHECKPOINT_MAGIC as MAGIC,
  CHECKPOINT_PREFIX as PREFIX,
  decodeCheckpoint,
  firstNonFinite,
  type CheckpointContents,
  type CheckpointHeader,
  type TensorSpec,
} from './checkpointFormat.js';

export type { CheckpointContents } from './checkpointFormat.js';

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
  const header = new TextEncoder().encode(JSON.stringify({ version: 2, meta, tensors: specs } satisfies CheckpointHeader));
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

/** Reads and checks a checkpoint; the caller owns (and must dispose) the returned tensors. */
export function loadCheckpoint(path: string): CheckpointContents {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    const err = fsInputError(e, path, 'cannot read checkpoint');
    throw err instanceof BalmsInputError ? err : new BalmsInputError(`cannot read checkpoint: ${String(e)}`, { file: path });
  }
  return decodeCheckpoint(buf, path);
}
