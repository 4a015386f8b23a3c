import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backends/index.js';
import { onTensorFlow, reluGrad, sparseDenseMatMul } from '../../src/backends/tensorflowKernels.js';
import { Rng } from '../../src/util/rng.js';
import { maxAbsDiff, randn } from '../modeling/ops/gradCheck.js';
import { NATIVE_PRESENT, TEST_BACKENDS } from '../helpers/testBackends.js';

describe.each(TEST_BACKENDS)('reluGrad on %s', (backend) => {
  it('is dy where y > 0 and 0 elsewhere (y = 0 included)', async () => {
    await initBackend(backend);
    const y = tf.tensor1d([-2, 0, 0.5, 3, -0.1, 1e-30]);
    const dy = tf.tensor1d([1, 2, 3, 4, 5, 6]);
    expect(Array.from(reluGrad(dy, y).dataSync())).toEqual([0, 0, 3, 4, 0, 6]);
    tf.dispose([y, dy]);
  });
});

describe.skipIf(!NATIVE_PRESENT)('sparseDenseMatMul on tfjs-node (skipped: tfjs-node not installed)', () => {
  it('equals the dense product of the COO matrix (duplicates add up), plain and transposed, without leaking tensors', async () => {
    await initBackend('tfjs-node');
    expect(onTensorFlow()).toBe(true);
    const rng = new Rng(3);
    const rows = 5, cols = 7, C = 3;
    const coo = [[0, 1], [0, 6], [2, 3], [2, 3], [4, 0], [4, 6], [1, 2]];
    const vals = randn(rng, coo.length);
    const dense = new Float32Array(rows * cols);
    coo.forEach(([r, c], e) => (dense[r! * cols + c!] += vals[e]!));
    const A = tf.tensor2d(dense, [rows, cols]);
    const idx = tf.tensor2d(coo.flat(), [coo.length, 2], 'int32');
    const v = tf.tensor1d(vals);
    const b = tf.tensor2d(randn(rng, cols * C), [cols, C]);
    const bt = tf.tensor2d(randn(rng, rows * C), [rows, C]);
    const ref = tf.matMul(A, b), refT = tf.matMul(A, bt, true, false);
    const before = tf.memory().numTensors;
    const got = sparseDenseMatMul(idx, v, rows, cols, b);
    const gotT = sparseDenseMatMul(idx, v, rows, cols, bt, true);
    expect(got.shape).toEqual([rows, C]);
    expect(gotT.shape).toEqual([cols, C]);
    expect(tf.memory().numTensors).toBe(before + 2); // the two results only
    expect(maxAbsDiff(got.dataSync(), ref.dataSync())).toBeLessThan(1e-6);
    expect(maxAbsDiff(gotT.dataSync(), refT.dataSync())).toBeLessThan(1e-6);
    tf.dispose([got, gotT, ref, refT, A, idx, v, b, bt]);
  });
});
