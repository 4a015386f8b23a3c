import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/backends/index.js';
import { dense } from '../../../src/modeling/ops/dense.js';
import { matMulT } from '../../../src/modeling/ops/matMulT.js';
import { Rng } from '../../../src/util/rng.js';
import { gradCheck, maxAbsDiff, randn } from './gradCheck.js';
import { TEST_BACKENDS } from '../../helpers/testBackends.js';

describe.each(TEST_BACKENDS)('matMulT / dense on %s', (backend) => {
  beforeAll(async () => {
    await initBackend(backend);
  });

  it('matMulT equals matMul and has the same gradients as the built-in', () => {
    const rng = new Rng(1);
    const a = tf.tensor2d(randn(rng, 5 * 7), [5, 7]);
    const b = tf.tensor2d(randn(rng, 7 * 3), [7, 3]);
    const w = tf.tensor2d(randn(rng, 15), [5, 3]);
    expect(maxAbsDiff(matMulT(a, b).dataSync(), tf.matMul(a, b).dataSync())).toBeLessThan(1e-6);
    const ours = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(matMulT(x as tf.Tensor2D, y as tf.Tensor2D), w)))([a, b]);
    const ref = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x as tf.Tensor2D, y as tf.Tensor2D), w)))([a, b]);
    for (let i = 0; i < 2; i++) expect(maxAbsDiff(ours[i]!.dataSync(), ref[i]!.dataSync())).toBeLessThan(1e-5);
    const loss = (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(matMulT(x as tf.Tensor2D, y as tf.Tensor2D), w)) as tf.Scalar;
    expect(gradCheck(loss, [a, b], rng)).toBeLessThan(2e-3);
    tf.dispose([a, b, w, ...ours, ...ref]);
  });

  for (const act of ['linear', 'relu'] as const) {
    for (const withBias of [true, false]) {
      it(`dense(${act}, bias=${withBias}) matches matMul+bias+act and finite differences`, () => {
        const rng = new Rng(act === 'relu' ? 2 : 3);
        const x = tf.tensor2d(randn(rng, 6 * 8), [6, 8]);
        const W = tf.tensor2d(randn(rng, 8 * 4, 0.5), [8, 4]);
        const b = tf.tensor1d(randn(rng, 4, 0.3));
        const w = tf.tensor2d(randn(rng, 24), [6, 4]);
        const ref = (xx: tf.Tensor2D, WW: tf.Tensor2D, bb?: tf.Tensor1D) => {
          let y: tf.Tensor2D = tf.matMul(xx, WW);
          if (bb) y = tf.add(y, bb);
          return act === 'relu' ? tf.relu(y) : y;
        };
        const y = dense(x, W, withBias ? b : null, act);
        expect(maxAbsDiff(y.dataSync(), ref(x, W, withBias ? b : undefined).dataSync())).toBeLessThan(1e-5);
        const inputs = withBias ? [x, W, b] : [x, W];
        const lossOurs = (...t: tf.Tensor[]) =>
          tf.sum(tf.mul(dense(t[0] as tf.Tensor2D, t[1] as tf.Tensor2D, (t[2] as tf.Tensor1D | undefined) ?? null, act), w)) as tf.Scalar;
        const lossRef = (...t: tf.Tensor[]) =>
          tf.sum(tf.mul(ref(t[0] as tf.Tensor2D, t[1] as tf.Tensor2D, t[2] as tf.Tensor1D | undefined), w)) as tf.Scalar;
        const g = tf.grads(lossOurs)(inputs);
        const e = tf.grads(lossRef)(inputs);
        for (let i = 0; i < inputs.length; i++) expect(maxAbsDiff(g[i]!.dataSync(), e[i]!.dataSync())).toBeLessThan(1e-5);
        expect(gradCheck(lossOurs, inputs, rng)).toBeLessThan(2e-3);
        tf.dispose([x, W, b, w, y, ...g, ...e]);
      });
    }
  }

  it('keeps the tensor count flat and rejects mismatched shapes', () => {
    const x = tf.variable(tf.ones([3, 4]));
    const W = tf.variable(tf.ones([4, 2]));
    const b = tf.variable(tf.zeros([2]));
    const step = () => tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => tf.sum(dense(x as unknown as tf.Tensor2D, W as unknown as tf.Tensor2D, b as unknown as tf.Tensor1D, 'relu')) as tf.Scalar);
      tf.dispose(grads);
      return value;
    });
    tf.dispose(step());
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) tf.dispose(step());
    expect(tf.memory().numTensors).toBe(before);
    expect(() => dense(tf.ones([3, 5]) as tf.Tensor2D, W as unknown as tf.Tensor2D)).toThrow(/does not match/);
    expect(() => matMulT(tf.ones([3, 5]) as tf.Tensor2D, W as unknown as tf.Tensor2D)).toThrow(/inner dimensions/);
    tf.dispose([x, W, b]);
  });
});
