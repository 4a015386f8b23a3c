/** Every tensor of a checkpoint (model weights and optimizer state) as raw bytes, for byte-identity checks. */
import * as tf from '@tensorflow/tfjs';
import { loadCheckpoint } from '../../src/engine/checkpoint.js';

export function checkpointBytes(path: string): Map<string, Buffer> {
  const ck = loadCheckpoint(path);
  const out = new Map<string, Buffer>();
  for (const [k, t] of ck.tensors) {
    const d = t.dataSync();
    out.set(k, Buffer.from(d.buffer, d.byteOffset, d.byteLength));
  }
  tf.dispose([...ck.tensors.values()]);
  return out;
}
