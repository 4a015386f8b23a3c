/**
 * The checkpoint format, read from bytes (no file system: the `balms view` page reads checkpoints
 * it fetched). Layout: "BALMSCK1" | uint32 LE header length | header JSON (utf8) | tensor bytes
 * (little-endian, in header order). Files are read and written by checkpoint.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { BalmsInputError } from '../util/errors.js';

export const CHECKPOINT_MAGIC = 'BALMSCK1';

export interface TensorSpec {
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

/** Decodes a checkpoint's bytes; `file` names it in messages. The caller disposes the tensors. */
export function decodeCheckpoint(bytes: Uint8Array, file: string): CheckpointContents {
  const magicLen = CHECKPOINT_MAGIC.length;
  if (bytes.byteLength < magicLen + 4 || String.fromCharCode(...bytes.subarray(0, magicLen)) !== CHECKPOINT_MAGIC) {
    throw new BalmsInputError('not a balms checkpoint (bad magic)', { file });
  }
  const headerLen = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(magicLen, true);
  const start = magicLen + 4;
  if (start + headerLen > bytes.byteLength) throw new BalmsInputError('truncated checkpoint header', { file });
  let header: { version: number; meta: Record<string, unknown>; tensors: TensorSpec[] };
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(start, start + headerLen))) as typeof header;
  } catch {
    throw new BalmsInputError('corrupt checkpoint header', { file });
  }
  if (header.version !== 1) throw new BalmsInputError(`unsupported checkpoint version ${header.version}`, { file });
  let off = start + headerLen;
  const tensors = new Map<string, tf.Tensor>();
  for (const s of header.tensors) {
    if (off + s.byteLength > bytes.byteLength) {
      for (const t of tensors.values()) t.dispose();
      throw new BalmsInputError(`truncated checkpoint data at tensor ${s.name}`, { file });
    }
    const copy = new ArrayBuffer(s.byteLength);
    new Uint8Array(copy).set(bytes.subarray(off, off + s.byteLength));
    const data = s.dtype === 'int32' ? new Int32Array(copy) : new Float32Array(copy);
    tensors.set(s.name, tf.tensor(data, s.shape, s.dtype));
    off += s.byteLength;
  }
  return { meta: header.meta, tensors };
}
