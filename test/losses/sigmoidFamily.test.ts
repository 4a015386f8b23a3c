import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { classBalancedLoss, classBalancedWeights } from '../../src/losses/classBalanced.js';
import { equalizationLoss } from '../../src/losses/equalizationLoss.js';
import { focalLoss } from '../../src/losses/focal.js';
import { balancedSigmoidLoss, sigmoidCrossEntropyLoss } from '../../src/losses/sigmoidCrossEntropy.js';
import { softmaxCrossEntropyLoss } from '../../src/losses/softmaxCrossEntropy.js';
import { BalmsInputError } from '../../src/util/errors.js';
import { analyticGrad, numericGrad, randomLogits } from './helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const scalar = (t: tf.Tensor) => { const v = t.dataSync()[0]!; t.dispose(); return v; };
const n = 6, k = 4;
const x = randomLogits(41, n, k, 1);
const y = Int32Array.from([0, 4, 2, 4, 3, 1]); // label 4 = background
const imageCounts = [400, 90, 3, 1];
const numImages = 1000;
const sp = (v: number) => Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
const bce = (v: number, t: number) => sp(v) - t * v;

function fdCheck(f: (t: tf.Tensor2D) => tf.Tensor, xs = x, shape: [number, number] = [n, k], tol = 2e-4) {
  const g = analyticGrad(f, xs, shape);
  let checked = 0;
  for (const [i, v] of numericGrad(f, xs, shape, 1e-2)) {
    expect(Math.abs(v - g[i]!)).toBeLessThan(tol);
    checked++;
  }
  expect(checked).toBe(shape[0] * shape[1]);
  return g;
}

describe('sigmoid family: values', () => {
  it('sigmoid BCE = Σ_j BCE / N with an all-zero background target, stable at ±1000', () => {
    let ref = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) ref += bce(x[i * k + j]!, y[i] === j ? 1 : 0);
    expect(tf.tidy(() => scalar(sigmoidCrossEntropyLoss(tf.tensor2d(x, [n, k]), tf.tensor1d(y, 'int32'))))).toBeCloseTo(ref / n, 5);
    const big = tf.tidy(() => scalar(sigmoidCrossEntropyLoss(tf.tensor2d([[1000, -1000]]), tf.tensor1d([1], 'int32'), { reduction: 'sum' })));
    expect(big).toBeCloseTo(2000, 2);
  });

  it('balanced sigmoid shifts foreground rows by log(f/(1−f)) and leaves background rows alone', () => {
    let ref = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < k; j++) {
        const f = imageCounts[j]! / numImages;
        const z = x[i * k + j]! + (y[i]! < k ? Math.log(f / (1 - f)) : 0);
        ref += bce(z, y[i] === j ? 1 : 0);
      }
    }
    tf.tidy(() => {
      const X = tf.tensor2d(x, [n, k]), Y = tf.tensor1d(y, 'int32');
      expect(scalar(balancedSigmoidLoss(X, Y, imageCounts, numImages))).toBeCloseTo(ref / n, 5);
      // all-background batch: identical to plain sigmoid BCE
      const bg = tf.tensor1d([4, 4, 4, 4, 4, 4], 'int32');
      expect(scalar(balancedSigmoidLoss(X, bg, imageCounts, numImages))).toBeCloseTo(scalar(sigmoidCrossEntropyLoss(X, bg)), 6);
      expect(() => balancedSigmoidLoss(X, Y, [400, 0, 3, 1], numImages)).toThrow(/zero count needs/);
      expect(() => balancedSigmoidLoss(X, Y, [400, 1000, 3, 1], numImages)).toThrow(BalmsInputError);
      expect(() => balancedSigmoidLoss(X, tf.tensor1d([0, 5, 0, 0, 0, 0], 'int32'), imageCounts, numImages)).toThrow(/labels\[1\] = 5 is outside \[0, 4\]/);
    });
  });

  it('focal with γ = 0 and α = null equals BCE; α weights positives by α and negatives by 1 − α', () => {
    tf.tidy(() => {
      const X = tf.tensor2d(x, [n, k]), Y = tf.tensor1d(y, 'int32');
      expect(scalar(focalLoss(X, Y, { gamma: 0, alpha: null }))).toBeCloseTo(scalar(sigmoidCrossEntropyLoss(X, Y)), 6);
      let ref = 0;
      for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) {
        const t = y[i] === j ? 1 : 0, p = 1 / (1 + Math.exp(-x[i * k + j]!));
        const pt = t ? p : 1 - p;
        ref += (t ? 0.25 : 0.75) * (1 - pt) ** 2 * bce(x[i * k + j]!, t);
      }
      expect(scalar(focalLoss(X, Y))).toBeCloseTo(ref / n, 6);
      // saturated logits: finite loss and gradient (no 0^γ−1)
      const g = tf.grad((t: tf.Tensor) => focalLoss(t as tf.Tensor2D, tf.tensor1d([0], 'int32'), { gamma: 0.5 }) as tf.Scalar)(tf.tensor2d([[60, -60]]));
      expect(Array.from(g.dataSync()).every(Number.isFinite)).toBe(true);
    });
  });

  it('EQL drops exactly the tail-class negatives of foreground RoIs (zero gradient there) and nothing for background RoIs', () => {
    const lambda = 0.005; // tail = classes 2, 3 (f = 0.003, 0.001)
    const f = (t: tf.Tensor2D) => equalizationLoss(t, tf.tensor1d(y, 'int32'), imageCounts, numImages, { lambda });
    const g = analyticGrad(f, x, [n, k]);
    const gs = analyticGrad((t) => sigmoidCrossEntropyLoss(t, tf.tensor1d(y, 'int32')), x, [n, k]);
    for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) {
      const suppressed = y[i]! < k && j >= 2 && y[i] !== j;
      if (suppressed) expect(g[i * k + j]).toBe(0);
      else expect(g[i * k + j]).toBeCloseTo(gs[i * k + j]!, 7);
    }
    // λ = 0: plain sigmoid BCE
    tf.tidy(() => {
      const X = tf.tensor2d(x, [n, k]), Y = tf.tensor1d(y, 'int32');
      expect(scalar(equalizationLoss(X, Y, imageCounts, numImages, { lambda: 0 }))).toBeCloseTo(scalar(sigmoidCrossEntropyLoss(X, Y)), 6);
    });
  });

  it('class-balanced weights: formula, normalisation, β = 0 → 1, β → 1 ∝ 1/n', () => {
    const w = classBalancedWeights([100, 10, 1], 0.9);
    const raw = [100, 10, 1].map((c) => 0.1 / (1 - 0.9 ** c));
    const s = raw.reduce((a, b) => a + b, 0);
    raw.forEach((r, j) => expect(w[j]).toBeCloseTo((3 * r) / s, 10));
    expect(Array.from(classBalancedWeights([100, 10, 1], 0))).toEqual([1, 1, 1]);
    const inv = classBalancedWeights([100, 10, 1], 1 - 1e-9);
    expect(inv[2]! / inv[0]!).toBeCloseTo(100, 3);
    expect(() => classBalancedWeights([1, 0], 0.9)).toThrow(/classCounts\[1\] is 0/);
    expect(() => classBalancedWeights([1, 2], 1)).toThrow(/beta/);
  });

  it('class-balanced softmax = Σ w_{y_i} CE_i / N (background weight 1)', () => {
    const xs = randomLogits(42, n, k + 1);
    const counts = [100, 30, 5, 1];
    const w = classBalancedWeights(counts, 0.99);
    const rowW = Float32Array.from(y, (l) => (l < k ? w[l]! : 1));
    tf.tidy(() => {
      const X = tf.tensor2d(xs, [n, k + 1]), Y = tf.tensor1d(y, 'int32');
      const ref = scalar(softmaxCrossEntropyLoss(X, Y, { weights: tf.tensor1d(rowW) }));
      expect(scalar(classBalancedLoss(X, Y, counts, { beta: 0.99, base: 'softmax' }))).toBeCloseTo(ref, 6);
      expect(() => classBalancedLoss(X, Y, counts, { base: 'sigmoid' })).toThrow(/needs 4 logit columns/);
    });
  });
});

describe('sigmoid family: finite-difference gradients', () => {
  const Y = () => tf.tensor1d(y, 'int32');
  it('sigmoid BCE', () => { fdCheck((t) => sigmoidCrossEntropyLoss(t, Y())); });
  it('balanced sigmoid', () => { fdCheck((t) => balancedSigmoidLoss(t, Y(), imageCounts, numImages)); });
  it('focal (γ = 2, α = 0.25) and (γ = 0.5)', () => {
    fdCheck((t) => focalLoss(t, Y()));
    fdCheck((t) => focalLoss(t, Y(), { gamma: 0.5, alpha: 0.7 }));
  });
  it('EQL', () => { fdCheck((t) => equalizationLoss(t, Y(), imageCounts, numImages, { lambda: 0.005 })); });
  it('class-balanced sigmoid and focal', () => {
    fdCheck((t) => classBalancedLoss(t, Y(), imageCounts, { beta: 0.99, base: 'sigmoid' }));
    fdCheck((t) => classBalancedLoss(t, Y(), imageCounts, { beta: 0.99, base: 'focal', gamma: 2 }));
  });
});
