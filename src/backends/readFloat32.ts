import * as tf from '@tensorflow/tfjs';
import { BalmsInputError } from '../util/errors.js';

interface HeapBackend {
  typedArrayFromHeap(t: { dataId: object; shape: number[]; dtype: string }): Float32Array;
}

/**
 * The values of a float32 tensor for reading in a JS loop, without the copy `dataSync()` makes on
 * wasm (it slices the heap): on wasm a view of the heap, elsewhere `dataSync()` (no copy on cpu).
 * The wasm view is valid only until the next tfjs allocation — read it, then create tensors.
 */
export function readFloat32(t: tf.Tensor): Float32Array {
  if (t.dtype !== 'float32') throw new BalmsInputError(`readFloat32: expected a float32 tensor, got ${t.dtype}`);
  const be = tf.backend() as unknown as Partial<HeapBackend>;
  if (tf.getBackend() === 'wasm' && typeof be.typedArrayFromHeap === 'function') {
    return be.typedArrayFromHeap({ dataId: t.dataId, shape: t.shape, dtype: t.dtype });
  }
  return t.dataSync() as Float32Array;
}
