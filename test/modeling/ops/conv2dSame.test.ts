import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/backends/index.js';
import { conv2dSame, samePadding } from '../../../src/modeling/ops/conv2dSame.js';
import { deconv2x2 } from '../../../src/modeling/ops/deconv2x2.js';
import { Rng } from '../../../src/util/rng.js';
import { gradCheck, maxAbsDiff, randn } from './gradCheck.js';
import { naiveConv } from './naiveConv.js';
import { TEST_BACKENDS } from '../../helpers/testBackends.js';

describe('samePadding', () => {
  it('follows the TensorFlow SAME rule', () => {
    expect(samePadding(14, 3, 1)).toEqual([1, 1]);
    expect(samePadding(14, 1, 1)).toEqual([0, 0]);
    expect(samePadding(14, 3, 2)).toEqual([0, 1]);
    expect(samePadding(13, 3, 2)).toEqual([1, 1]);
  });
});

describe.each(TEST_BACKENDS)('conv2dSame / deconv2x2 on %s', (backend) => {
  beforeAll(async () => {
    await initBackend(backend);
  });

  const cases: Array<[k: number, stride: number, h: number, w: number]> = [
    [3, 1, 6, 5], [1, 1, 4, 5], [3, 2, 7, 6], [3, 2, 6, 7], [1, 2, 5, 6], [5, 1, 5, 4],
  ];
  for (const [k, stride, h, w] of cases) {
    it(`k=${k} stride=${stride} on ${h}×${w}: forward and gradients equal a naive loop reference`, () => {
      const rng = new Rng(k * 100 + stride * 10 + h);
      const n = 2, ci = 3, co = 4;
      const xs: [number, number, number, number] = [n, h, w, ci];
      const ws: [number, number, number, number] = [k, k, ci, co];
      const xa = randn(rng, n * h * w * ci), Wa = randn(rng, k * k * ci * co, 0.5);
      const [pt] = samePadding(h, k, stride), [pl] = samePadding(w, k, stride);
      const oh = Math.ceil(h / stride), ow = Math.ceil(w / stride);
      const dy = randn(rng, n * oh * ow * co);
      const ref = naiveConv(xa, xs, Wa, ws, stride, pt, pl, oh, ow, dy);
      const x = tf.tensor4d(xa, xs), W = tf.tensor4d(Wa, ws), dyT = tf.tensor4d(dy, ref.outShape);
      const y = conv2dSame(x, W, null, { stride });
      expect(y.shape).toEqual(ref.outShape);
      expect(maxAbsDiff(y.dataSync(), ref.y)).toBeLessThan(1e-5);
      const [gx, gW] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.mul(conv2dSame(a as tf.Tensor4D, b as tf.Tensor4D, null, { stride }), dyT)))([x, W]);
      expect(maxAbsDiff(gx!.dataSync(), ref.dx)).toBeLessThan(1e-4);
      expect(maxAbsDiff(gW!.dataSync(), ref.dW)).toBeLessThan(1e-4);
      tf.dispose([x, W, dyT, y, gx!, gW!]);
    });
  }

  it('bias variant agrees with finite differences; ReLU variant = linear gradient masked by step(z)', () => {
    const rng = new Rng(5);
    const x = tf.tensor4d(randn(rng, 2 * 5 * 5 * 3), [2, 5, 5, 3]);
    const W = tf.tensor4d(randn(rng, 9 * 3 * 2, 0.5), [3, 3, 3, 2]);
    const b = tf.tensor1d(randn(rng, 2, 0.2));
    const w = tf.tensor4d(randn(rng, 2 * 5 * 5 * 2), [2, 5, 5, 2]);
    const lossWith = (weights: tf.Tensor, relu: boolean) => (a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) =>
      tf.sum(tf.mul(conv2dSame(a as tf.Tensor4D, c as tf.Tensor4D, d as tf.Tensor1D, { relu }), weights)) as tf.Scalar;
    const z = tf.add(tf.conv2d(x, W, 1, 'same'), b);
    expect(maxAbsDiff(conv2dSame(x, W, b, { relu: true }).dataSync(), tf.relu(z).dataSync())).toBeLessThan(1e-5);
    expect(gradCheck(lossWith(w, false), [x, W, b], rng, 10)).toBeLessThan(3e-3);
    const gRelu = tf.grads(lossWith(w, true))([x, W, b]);
    const gMasked = tf.grads(lossWith(tf.mul(w, tf.step(z)), false))([x, W, b]);
    for (let i = 0; i < 3; i++) expect(maxAbsDiff(gRelu[i]!.dataSync(), gMasked[i]!.dataSync())).toBeLessThan(1e-5);
    tf.dispose([x, W, b, w, z, ...gRelu, ...gMasked]);
  });

  it('deconv2x2 equals tf.conv2dTranspose (stride 2, 2×2) and agrees with finite differences', () => {
    const rng = new Rng(9);
    const x = tf.tensor4d(randn(rng, 2 * 3 * 4 * 3), [2, 3, 4, 3]);
    const W = tf.tensor4d(randn(rng, 4 * 5 * 3, 0.5), [2, 2, 5, 3]);
    const b = tf.tensor1d(randn(rng, 5, 0.2));
    const ref = tf.add(tf.conv2dTranspose(x, W, [2, 6, 8, 5], 2, 'valid'), b);
    const y = deconv2x2(x, W, b);
    expect(y.shape).toEqual([2, 6, 8, 5]);
    expect(maxAbsDiff(y.dataSync(), ref.dataSync())).toBeLessThan(1e-5);
    const w = tf.tensor4d(randn(rng, y.size), y.shape);
    const loss = (a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) =>
      tf.sum(tf.mul(deconv2x2(a as tf.Tensor4D, c as tf.Tensor4D, d as tf.Tensor1D), w)) as tf.Scalar;
    expect(gradCheck(loss, [x, W, b], rng, 10)).toBeLessThan(3e-3);
    const gRef = tf.grads((a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) =>
      tf.sum(tf.mul(tf.add(tf.conv2dTranspose(a as tf.Tensor4D, c as tf.Tensor4D, [2, 6, 8, 5], 2, 'valid'), d), w)))([x, W, b]);
    const gOurs = tf.grads(loss)([x, W, b]);
    for (let i = 0; i < 3; i++) expect(maxAbsDiff(gOurs[i]!.dataSync(), gRef[i]!.dataSync())).toBeLessThan(1e-4);
    tf.dispose([...gRef, ...gOurs]);
    tf.dispose([x, W, b, w, y, ref]);
  });

  it('keeps the tensor count flat over training steps', () => {
    const x = tf.randomNormal([2, 6, 6, 4], 0, 1, 'float32', 1) as tf.Tensor4D;
    const W = tf.variable(tf.randomNormal([3, 3, 4, 4], 0, 0.3, 'float32', 2));
    const D = tf.variable(tf.randomNormal([2, 2, 3, 4], 0, 0.3, 'float32', 3));
    const step = () => tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() =>
        tf.sum(deconv2x2(conv2dSame(x, W as unknown as tf.Tensor4D, null, { relu: true }), D as unknown as tf.Tensor4D)) as tf.Scalar);
      tf.dispose(grads);
      return value;
    });
    tf.dispose(step());
    const before = tf.memory().numTensors;
    for (let i = 0; i < 4; i++) tf.dispose(step());
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, W, D]);
  });
});
