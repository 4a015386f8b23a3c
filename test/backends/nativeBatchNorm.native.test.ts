/**
 * TensorFlow's fused training-mode batch norm through tfjs-node against tfjs's own ops (moments,
 * batchNorm and autodiff through them) on the same backend; skipped when tfjs-node is not installed.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backends/index.js';
import { fusedBatchNormGrad, fusedBatchNormTraining, nativeBatchNormAvailable, nativeReluGrad } from '../../src/backends/nativeBatchNorm.js';
import { NATIVE_PRESENT } from '../helpers/testBackends.js';

const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);

describe.runIf(NATIVE_PRESENT)('native fused batch norm', () => {
  beforeAll(async () => {
    await initBackend('tfjs-node');
  });

  it('matches moments + batchNorm forward and their autodiff backward', () => {
    expect(nativeBatchNormAvailable()).toBe(true);
    tf.tidy(() => {
      const x = tf.randomNormal([3, 5, 4, 6], 2, 3, 'float32', 1) as tf.Tensor4D;
      const g = tf.randomUniform([6], 0.5, 2, 'float32', 2) as tf.Tensor1D;
      const b = tf.randomNormal([6], 0, 1, 'float32', 3) as tf.Tensor1D;
      const dy = tf.randomNormal([3, 5, 4, 6], 0, 1, 'float32', 4) as tf.Tensor4D;
      const before = tf.memory().numTensors;
      const f = fusedBatchNormTraining(x, g, b, 1e-5);
      const [dx, dg, db] = fusedBatchNormGrad(dy, x, g, f.reserve, 1e-5);
      // outputs: y, mean, variance, 3 reserves, dx, dγ, dβ — nothing else left behind
      expect(tf.memory().numTensors).toBe(before + 9);
      const { mean, variance } = tf.moments(x, [0, 1, 2]);
      expect(maxDiff(f.y, tf.batchNorm(x, mean, variance, b, g, 1e-5))).toBeLessThan(1e-5);
      expect(maxDiff(f.mean, mean)).toBeLessThan(1e-5);
      expect(maxDiff(f.unbiasedVariance, tf.mul(variance, 60 / 59))).toBeLessThan(1e-4);
      const ref = tf.grads((a: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => {
        const m = tf.moments(a, [0, 1, 2]);
        return tf.batchNorm(a, m.mean, m.variance, bb, gg, 1e-5);
      })([x, g, b], dy);
      expect(maxDiff(dx, ref[0]!)).toBeLessThan(1e-5);
      expect(maxDiff(dg, ref[1]!)).toBeLessThan(1e-4);
      expect(maxDiff(db, ref[2]!)).toBeLessThan(1e-4);
      expect(maxDiff(nativeReluGrad(dy, tf.relu(x)), tf.mul(dy, tf.step(x)))).toBe(0);
    });
  });
});
