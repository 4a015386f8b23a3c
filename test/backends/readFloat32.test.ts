import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backends/index.js';
import { readFloat32 } from '../../src/backends/readFloat32.js';

describe.each(['cpu', 'wasm'] as const)('readFloat32 on %s', (backend) => {
  it('returns the tensor values (a heap view on wasm) and rejects other dtypes', async () => {
    await initBackend(backend);
    const t = tf.tensor2d([1.5, -2, 3, 4.25, 5, 6], [2, 3]);
    expect(Array.from(readFloat32(t))).toEqual([1.5, -2, 3, 4.25, 5, 6]);
    const sliced = tf.slice(t, [1, 0], [1, 3]);
    expect(Array.from(readFloat32(sliced))).toEqual([4.25, 5, 6]);
    expect(() => readFloat32(tf.tensor1d([1], 'int32'))).toThrow(/float32/);
    tf.dispose([t, sliced]);
  });
});
