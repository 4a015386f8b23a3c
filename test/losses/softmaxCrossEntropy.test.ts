import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { softmaxCrossEntropyLoss } from '../../src/losses/softmaxCrossEntropy.js';
import { BalmsInputError } from '../../src/util/errors.js';
import {
  analyticGrad, crossEntropyRows, maxAbsErr, numericGrad, randomLabels, randomLogits, softmaxRows,
} from './helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('softmaxCrossEntropyLoss', () => {
  it('matches a hand-computed value', () => {
    // logits [0, ln 2, ln 3]: softmax = [1/6, 2/6, 3/6]; label 1 -> −ln(1/3) = ln 3.
    const v = tf.tidy(() =>
      softmaxCrossEntropyLoss(tf.tensor2d([[0, Math.log(2), Math.log(3)]]), tf.tensor1d([1], 'int32')).dataSync()[0]!,
    );
    expect(v).toBeCloseTo(Math.log(3), 6);
  });

  it('equals the float64 reference for mean, sum, none and weights', () => {
    const n = 7, c = 5;
    const x = randomLogits(1, n, c), y = randomLabels(2, n, c);
    const w = Float32Array.from([0.5, 1, 2, 0, 1.5, 1, 0.25]);
    const ref = crossEntropyRows(x, y, n, c);
    tf.tidy(() => {
      const X = tf.tensor2d(x, [n, c]), Y = tf.tensor1d(y, 'int32'), W = tf.tensor1d(w);
      const none = softmaxCrossEntropyLoss(X, Y, { reduction: 'none' }).dataSync();
      expect(maxAbsErr(none, ref)).toBeLessThan(1e-5);
      const sum = ref.reduce((a, b) => a + b, 0);
      expect(softmaxCrossEntropyLoss(X, Y, { reduction: 'sum' }).dataSync()[0]).toBeCloseTo(sum, 4);
      expect(softmaxCrossEntropyLoss(X, Y).dataSync()[0]).toBeCloseTo(sum / n, 5);
      const wsum = ref.reduce((a, b, i) => a + b * w[i]!, 0);
      expect(softmaxCrossEntropyLoss(X, Y, { weights: W }).dataSync()[0]).toBeCloseTo(wsum / n, 5);
    });
  });

  it('is stable for huge logits (log-sum-exp)', () => {
    const v = tf.tidy(() =>
      softmaxCrossEntropyLoss(tf.tensor2d([[1000, 0, -1000], [-1e4, 1e4, 0]]), tf.tensor1d([1, 0], 'int32'), {
        reduction: 'none',
      }).dataSync(),
    );
    expect(v[0]).toBeCloseTo(1000, 3);
    expect(v[1]).toBeCloseTo(2e4, 0);
    expect(Number.isFinite(v[0]!) && Number.isFinite(v[1]!)).toBe(true);
  });

  it('gradient equals the closed form (softmax − onehot)·w/N and finite differences', () => {
    const n = 6, c = 4;
    const x = randomLogits(3, n, c, 1), y = randomLabels(4, n, c);
    const w = Float32Array.from([1, 0.5, 2, 1, 0, 1.5]);
    const f = (t: tf.Tensor2D) =>
      softmaxCrossEntropyLoss(t, tf.tensor1d(y, 'int32'), { weights: tf.tensor1d(w) });
    const g = analyticGrad(f, x, [n, c]);
    const p = softmaxRows(x, n, c);
    const closed = new Float64Array(n * c);
    for (let i = 0; i < n; i++) for (let j = 0; j < c; j++) closed[i * c + j] = (w[i]! * (p[i * c + j]! - (j === y[i] ? 1 : 0))) / n;
    expect(maxAbsErr(g, closed)).toBeLessThan(1e-6);
    const fd = numericGrad(f, x, [n, c], 1e-2);
    for (const [k, v] of fd) expect(Math.abs(v - g[k]!)).toBeLessThan(2e-4);
  });

  it('its gradient is differentiable w.r.t. per-row weights (meta-reweighting hypergradient)', () => {
    // d/dw Σ V ⊙ ∂L(Z; w)/∂Z with L = Σ wᵢℓᵢ/N is Σ_j V_ij (softmax_ij − [j = yᵢ]) / N.
    const n = 4, c = 5;
    const z = randomLogits(7, n, c, 1), v = randomLogits(8, n, c, 1), y = randomLabels(9, n, c);
    const got = tf.tidy(() => {
      const Z = tf.tensor2d(z, [n, c]), V = tf.tensor2d(v, [n, c]), Y = tf.tensor1d(y, 'int32');
      const inner = (w: tf.Tensor) =>
        tf.grad((t: tf.Tensor) => softmaxCrossEntropyLoss(t as tf.Tensor2D, Y, { weights: w as tf.Tensor1D }) as tf.Scalar)(Z);
      return tf.grad((w: tf.Tensor) => tf.sum(tf.mul(V, inner(w))) as tf.Scalar)(tf.tensor1d([1, 0.5, 2, 0])).dataSync();
    });
    const p = softmaxRows(z, n, c);
    for (let i = 0; i < n; i++) {
      let ref = 0;
      for (let j = 0; j < c; j++) ref += v[i * c + j]! * (p[i * c + j]! - (j === y[i] ? 1 : 0));
      expect(got[i]).toBeCloseTo(ref / n, 5);
    }
  });

  it('rejects bad labels and shapes with BalmsInputError', () => {
    tf.tidy(() => {
      const X = tf.zeros([2, 3]) as tf.Tensor2D;
      expect(() => softmaxCrossEntropyLoss(X, tf.tensor1d([0, 3], 'int32'))).toThrow(/labels\[1\] = 3/);
      expect(() => softmaxCrossEntropyLoss(X, tf.tensor1d([0, -1], 'int32'))).toThrow(BalmsInputError);
      expect(() => softmaxCrossEntropyLoss(X, tf.tensor1d([0, 1], 'float32'))).toThrow(/int32/);
      expect(() => softmaxCrossEntropyLoss(X, tf.tensor1d([0], 'int32'))).toThrow(/1 entries but logits has 2 rows/);
      expect(() => softmaxCrossEntropyLoss(X, tf.tensor1d([0, 1], 'int32'), { weights: tf.ones([3]) as tf.Tensor1D })).toThrow(/weights/);
    });
  });

  it('keeps the tensor count flat over repeated calls (incl. gradients)', () => {
    const x = randomLogits(5, 8, 6), y = randomLabels(6, 8, 6);
    const X = tf.tensor2d(x, [8, 6]), Y = tf.tensor1d(y, 'int32');
    const step = () => {
      const l = softmaxCrossEntropyLoss(X, Y);
      l.dispose();
      tf.tidy(() => { tf.grad((t: tf.Tensor) => softmaxCrossEntropyLoss(t as tf.Tensor2D, Y) as tf.Scalar)(X); });
    };
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) step();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([X, Y]);
  });
});
