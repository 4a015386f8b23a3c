/**
 * A frozen graph's outputs per image, kept in memory and keyed by the image's pixels (its size and
 * two CRC-32s of its float bytes): the graph is frozen and deterministic, so an image seen again
 * (a small training set, epoch after epoch) gets the very same features without running the graph.
 * Bounded by a number of images (the oldest entry goes first). `get` returns clones the caller owns.
 */
import * as tf from '@tensorflow/tfjs';
import { crc32 } from '../../util/crc32.js';
import type { GraphOutputs } from './graphBackbone.js';

export class FrozenOutputCache {
  private readonly entries = new Map<string, GraphOutputs>();

  constructor(readonly maxImages: number) {}

  get size(): number {
    return this.entries.size;
  }

  /** The outputs for `image` (`[h, w, 3]`), from the cache or from `run` (then cached). */
  async get(image: tf.Tensor3D, run: (image: tf.Tensor3D) => Promise<GraphOutputs>): Promise<GraphOutputs> {
    const key = await keyOf(image);
    let hit = this.entries.get(key);
    if (!hit) {
      hit = await run(image);
      if (this.entries.size >= this.maxImages) {
        const oldest = this.entries.keys().next().value as string;
        tf.dispose(this.entries.get(oldest)!.features);
        this.entries.delete(oldest);
      }
      this.entries.set(key, hit);
    }
    return { features: hit.features.map((f) => tf.clone(f)), proposals: hit.proposals.slice(), frame: [hit.frame[0], hit.frame[1]] };
  }

  dispose(): void {
    for (const e of this.entries.values()) tf.dispose(e.features);
    this.entries.clear();
  }
}

async function keyOf(image: tf.Tensor3D): Promise<string> {
  const d = (await image.data()) as Float32Array;
  const bytes = new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
  const half = bytes.byteLength >> 1;
  return `${image.shape.join('x')}:${crc32(bytes).toString(16)}:${crc32(bytes.subarray(0, half), 0x9e3779b9).toString(16)}`;
}
