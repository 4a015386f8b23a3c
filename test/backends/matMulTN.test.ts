import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backends/index.js';
import { matMulNT, matMulTN } from '../../src/backends/matMulTN.js';
import { Rng } from '../../src/util/rng.js';
import { maxAbsDiff, randn } from '../modeling/ops/gradCheck.js';
import { TEST_BACKENDS } from '../helpers/testBackends.js';

function naiveTN(a: Float32Array, b: Float32Array, m: number, p: number, q: number): Float64Array {
  const out = new Float64Array(p * q);
  for (let r = 0; r < m; r++) for (let i = 0; i < p; i++) {
    const av = a[r * p + i]!;
    for (let j = 0; j < q; j++) out[i * q + j] += av * b[r * q + j]!;
  }
  return out;
}

describe.each(TEST_BACKENDS)('matMulTN / matMulNT on %s', (backend) => {
  beforeAll(async () => {
    await initBackend(backend);
  });

  // 1000 rows: one product; 3333 rows: chunked on wasm (1024-row chunks, a short last chunk)
  for (const m of [7, 1000, 3333]) {
    it(`aᵀ@b with M=${m} equals a float64 loop and leaks nothing`, () => {
      const rng = new Rng(m);
      const p = 5, q = 6;
      const aa = randn(rng, m * p), ba = randn(rng, m * q);
      const a = tf.tensor2d(aa, [m, p]), b = tf.tensor2d(ba, [m, q]);
      const before = tf.memory() as tf.MemoryInfo & { numDataBuffers: number };
      const got = matMulTN(a, b);
      expect(got.shape).toEqual([p, q]);
      expect(maxAbsDiff(got.dataSync(), naiveTN(aa, ba, m, p, q))).toBeLessThan(1e-3);
      got.dispose();
      const after = tf.memory() as tf.MemoryInfo & { numDataBuffers: number };
      expect(after.numTensors).toBe(before.numTensors);
      expect(after.numDataBuffers).toBe(before.numDataBuffers);
      tf.dispose([a, b]);
    });
  }

  it('a@bᵀ equals a float64 loop and leaks nothing', () => {
    const rng = new Rng(11);
    const m = 9, p = 13, q = 4;
    const aa = randn(rng, m * p), ba = randn(rng, q * p);
    // a bᵀ = (aᵀ)ᵀ (bᵀ): the TN loop on the transposed operands
    const at = new Float32Array(p * m), bt = new Float32Array(p * q);
    for (let i = 0; i < m; i++) for (let k = 0; k < p; k++) at[k * m + i] = aa[i * p + k]!;
    for (let j = 0; j < q; j++) for (let k = 0; k < p; k++) bt[k * q + j] = ba[j * p + k]!;
    const a = tf.tensor2d(aa, [m, p]), b = tf.tensor2d(ba, [q, p]);
    const before = tf.memory().numTensors;
    const got = matMulNT(a, b);
    expect(got.shape).toEqual([m, q]);
    expect(maxAbsDiff(got.dataSync(), naiveTN(at, bt, p, m, q))).toBeLessThan(1e-4);
    got.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([a, b]);
  });

  it('rejects mismatched shapes', () => {
    expect(() => matMulTN(tf.ones([3, 2]) as tf.Tensor2D, tf.ones([4, 2]) as tf.Tensor2D)).toThrow(/\[M, P\] and \[M, Q\]/);
    expect(() => matMulNT(tf.ones([3, 2]) as tf.Tensor2D, tf.ones([4, 3]) as tf.Tensor2D)).toThrow(/\[M, P\] and \[Q, P\]/);
  });
});
