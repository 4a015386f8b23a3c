import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { balancedSoftmaxLoss, classCountsFromCategories, logCounts } from '../../src/losses/balancedSoftmax.js';
import { softmaxCrossEntropyLoss } from '../../src/losses/softmaxCrossEntropy.js';
import { BalmsInputError } from '../../src/util/errors.js';
import { analyticGrad, maxAbsErr, numericGrad, randomLabels, randomLogits, softmaxRows } from './helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const scalar = (t: tf.Tensor) => { const v = t.dataSync()[0]!; t.dispose(); return v; };

describe('balancedSoftmaxLoss', () => {
  const n = 9, c = 5;
  const x = randomLogits(11, n, c), y = randomLabels(12, n, c);
  const counts = [1000, 300, 40, 7, 1];

  it('equals softmax CE when all counts are equal (any scale)', () => {
    tf.tidy(() => {
      const X = tf.tensor2d(x, [n, c]), Y = tf.tensor1d(y, 'int32');
      const ce = scalar(softmaxCrossEntropyLoss(X, Y));
      for (const k of [1, 17, 1e6]) expect(scalar(balancedSoftmaxLoss(X, Y, new Array(c).fill(k)))).toBeCloseTo(ce, 5);
    });
  });

  it('equals −log(n_y e^{η_y} / Σ n_j e^{η_j}) computed in float64', () => {
    const ref = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let den = 0;
      for (let j = 0; j < c; j++) den += counts[j]! * Math.exp(x[i * c + j]!);
      ref[i] = -Math.log((counts[y[i]!]! * Math.exp(x[i * c + y[i]!]!)) / den);
    }
    const none = tf.tidy(() =>
      balancedSoftmaxLoss(tf.tensor2d(x, [n, c]), tf.tensor1d(y, 'int32'), counts, { reduction: 'none' }).dataSync(),
    );
    expect(maxAbsErr(none, ref)).toBeLessThan(1e-5);
    const mean = tf.tidy(() => scalar(balancedSoftmaxLoss(tf.tensor2d(x, [n, c]), tf.tensor1d(y, 'int32'), counts)));
    expect(mean).toBeCloseTo(ref.reduce((a, b) => a + b, 0) / n, 5);
  });

  it('depends only on count ratios', () => {
    tf.tidy(() => {
      const X = tf.tensor2d(x, [n, c]), Y = tf.tensor1d(y, 'int32');
      const a = scalar(balancedSoftmaxLoss(X, Y, counts));
      const b = scalar(balancedSoftmaxLoss(X, Y, counts.map((v) => v * 123.5)));
      expect(b).toBeCloseTo(a, 5);
    });
  });

  it('gradient equals the closed form (softmax(η + log n) − onehot)/N and finite differences', () => {
    const f = (t: tf.Tensor2D) => balancedSoftmaxLoss(t, tf.tensor1d(y, 'int32'), counts);
    const g = analyticGrad(f, x, [n, c]);
    const shifted = Array.from(x, (v, k) => v + Math.log(counts[k % c]!));
    const p = softmaxRows(shifted, n, c);
    const closed = Array.from(p, (v, k) => (v - (k % c === y[Math.floor(k / c)] ? 1 : 0)) / n);
    expect(maxAbsErr(g, closed)).toBeLessThan(1e-6);
    const xs = randomLogits(13, 3, c, 1);
    const ys = randomLabels(14, 3, c);
    const f2 = (t: tf.Tensor2D) => balancedSoftmaxLoss(t, tf.tensor1d(ys, 'int32'), counts, { smoothing: 0.5 });
    const g2 = analyticGrad(f2, xs, [3, c]);
    for (const [k, v] of numericGrad(f2, xs, [3, c], 1e-2)) expect(Math.abs(v - g2[k]!)).toBeLessThan(2e-4);
  });

  it('a zero count is a BalmsInputError naming the class unless smoothing is given', () => {
    tf.tidy(() => {
      const X = tf.tensor2d(x, [n, c]), Y = tf.tensor1d(y, 'int32');
      const zero = [10, 0, 5, 5, 5];
      expect(() => balancedSoftmaxLoss(X, Y, zero)).toThrow(BalmsInputError);
      expect(() => balancedSoftmaxLoss(X, Y, zero)).toThrow(/classCounts\[1\] is 0/);
      const v = scalar(balancedSoftmaxLoss(X, Y, zero, { smoothing: 1 }));
      expect(v).toBeCloseTo(scalar(balancedSoftmaxLoss(X, Y, [11, 1, 6, 6, 6])), 5);
      expect(() => balancedSoftmaxLoss(X, Y, [1, 2, 3])).toThrow(/3 class counts for 5 logit columns/);
      expect(() => balancedSoftmaxLoss(X, Y, [1, 2, -3, 4, 5])).toThrow(/classCounts\[2\]/);
    });
    expect(() => logCounts([1, NaN])).toThrow(BalmsInputError);
  });

  it('accepts a Float32Array of counts', () => {
    tf.tidy(() => {
      const X = tf.tensor2d(x, [n, c]), Y = tf.tensor1d(y, 'int32');
      expect(scalar(balancedSoftmaxLoss(X, Y, Float32Array.from(counts)))).toBeCloseTo(scalar(balancedSoftmaxLoss(X, Y, counts)), 6);
    });
  });

  it('keeps the tensor count flat over repeated calls', () => {
    const X = tf.tensor2d(x, [n, c]), Y = tf.tensor1d(y, 'int32');
    const step = () => {
      scalar(balancedSoftmaxLoss(X, Y, counts));
      tf.tidy(() => { tf.grad((t: tf.Tensor) => balancedSoftmaxLoss(t as tf.Tensor2D, Y, counts) as tf.Scalar)(X); });
    };
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) step();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([X, Y]);
  });
});

describe('classCountsFromCategories', () => {
  const cats = [
    { id: 1, image_count: 3, instance_count: 10 },
    { id: 2, image_count: 1, instance_count: 1 },
  ];
  it('selects image_count or instance_count', () => {
    expect(Array.from(classCountsFromCategories(cats))).toEqual([3, 1]);
    expect(Array.from(classCountsFromCategories(cats, 'image_count'))).toEqual([3, 1]);
    expect(Array.from(classCountsFromCategories(cats, 'instance_count'))).toEqual([10, 1]);
  });
  it('names the category of a missing count', () => {
    expect(() => classCountsFromCategories([{ id: 1, image_count: 2 }], 'instance_count')).toThrow(
      /categories\[0\]\.instance_count/,
    );
  });
});
