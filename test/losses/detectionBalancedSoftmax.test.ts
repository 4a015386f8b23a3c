import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { detectionBalancedSoftmaxLoss, detectionLogPrior } from '../../src/losses/detectionBalancedSoftmax.js';
import { adjustLogits, logitAdjustedLoss } from '../../src/losses/logitAdjusted.js';
import { balancedSoftmaxLoss } from '../../src/losses/balancedSoftmax.js';
import { softmaxCrossEntropyLoss } from '../../src/losses/softmaxCrossEntropy.js';
import { BalmsInputError } from '../../src/util/errors.js';
import { analyticGrad, crossEntropyRows, numericGrad, randomLabels, randomLogits } from './helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const scalar = (t: tf.Tensor) => { const v = t.dataSync()[0]!; t.dispose(); return v; };
const softmax64 = (v: ArrayLike<number>) => {
  const m = Math.max(...Array.from(v));
  const e = Array.from(v, (x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
};

describe('detectionLogPrior', () => {
  const counts = [500, 120, 7, 1];
  it("'fraction': the implied prior softmax(log π) gives background exactly the fraction, foreground ∝ counts", () => {
    for (const f of [0.75, 0.5, 0.9, 0.01]) {
      const p = softmax64(detectionLogPrior(counts, { mode: 'fraction', fraction: f }));
      expect(p[4]).toBeCloseTo(f, 12);
      const tot = counts.reduce((a, b) => a + b, 0);
      counts.forEach((c, j) => expect(p[j]).toBeCloseTo(((1 - f) * c) / tot, 12));
    }
    // The default balances the foreground only: log(K·n_j/Σn), background 0.
    const d = detectionLogPrior(counts);
    expect(d[4]).toBe(0);
    counts.forEach((c, j) => expect(d[j]).toBeCloseTo(Math.log((4 * c) / 628), 12));
  });
  it("'count': background is one more class; same as fraction n_bg / (n_bg + Σn)", () => {
    const a = detectionLogPrior(counts, { mode: 'count', count: 1884 });
    const b = detectionLogPrior(counts, { mode: 'fraction', fraction: 1884 / (1884 + 628) });
    a.forEach((v, j) => expect(v).toBeCloseTo(b[j]!, 12));
  });
  it("'none': the background logit is unshifted and foreground gets log(n_j / Σn)", () => {
    const a = detectionLogPrior(counts, { mode: 'none' });
    expect(a[4]).toBe(0);
    counts.forEach((c, j) => expect(a[j]).toBeCloseTo(Math.log(c / 628), 12));
  });
  it('rejects bad options and zero counts', () => {
    expect(() => detectionLogPrior(counts, { mode: 'fraction', fraction: 1 })).toThrow(BalmsInputError);
    expect(() => detectionLogPrior(counts, { mode: 'count', count: 0 })).toThrow(/background.count/);
    expect(() => detectionLogPrior(counts, { mode: 'bogus' } as never)).toThrow(/background must be/);
    expect(() => detectionLogPrior([3, 0])).toThrow(/classCounts\[1\] is 0/);
    expect(detectionLogPrior([3, 0], undefined, 1)[1]).toBeCloseTo(Math.log(2 * (1 / 5)), 12);
  });
});

describe("detectionLogPrior, mode 'foreground'", () => {
  it('balances the foreground classes only: log(K·n_j/Σn) for class j, 0 for background', () => {
    const p = detectionLogPrior([1, 2, 7], { mode: 'foreground' });
    const want = [Math.log((3 * 1) / 10), Math.log((3 * 2) / 10), Math.log((3 * 7) / 10), 0];
    for (let j = 0; j < 4; j++) expect(p[j]).toBeCloseTo(want[j]!, 12);
    // the foreground shifts average to 1 in probability, so the background/foreground balance is untouched
    expect((Math.exp(p[0]!) + Math.exp(p[1]!) + Math.exp(p[2]!)) / 3).toBeCloseTo(1, 12);
  });

  it('is plain softmax cross-entropy when the counts are equal', () => {
    const logits = tf.tensor2d([[1, 2, 0.5, -1], [0.3, -0.2, 2, 1]]);
    const labels = tf.tensor1d([1, 3], 'int32');
    const a = detectionBalancedSoftmaxLoss(logits, labels, [4, 4, 4], { background: { mode: 'foreground' } }).dataSync()[0]!;
    const b = softmaxCrossEntropyLoss(logits, labels).dataSync()[0]!;
    expect(a).toBeCloseTo(b, 6);
    tf.dispose([logits, labels]);
  });
});

describe('detectionBalancedSoftmaxLoss', () => {
  const n = 8, k = 4;
  const counts = [500, 120, 7, 1];
  const x = randomLogits(21, n, k + 1), y = randomLabels(22, n, k + 1);
  it("'none' equals CE on [η_fg + log(n/Σn), η_bg] (background column untouched)", () => {
    const shifted = Array.from(x, (v, i) => (i % (k + 1) === k ? v : v + Math.log(counts[i % (k + 1)]! / 628)));
    const ref = crossEntropyRows(shifted, y, n, k + 1).reduce((a, b) => a + b, 0) / n;
    const v = tf.tidy(() => scalar(detectionBalancedSoftmaxLoss(tf.tensor2d(x, [n, k + 1]), tf.tensor1d(y, 'int32'), counts, { background: { mode: 'none' } })));
    expect(v).toBeCloseTo(ref, 5);
  });
  it('equals balancedSoftmaxLoss with counts [n_1..n_K, n_bg] in count mode', () => {
    tf.tidy(() => {
      const X = tf.tensor2d(x, [n, k + 1]), Y = tf.tensor1d(y, 'int32');
      const a = scalar(detectionBalancedSoftmaxLoss(X, Y, counts, { background: { mode: 'count', count: 3000 } }));
      expect(a).toBeCloseTo(scalar(balancedSoftmaxLoss(X, Y, [...counts, 3000])), 5);
    });
  });
  it('uniform counts with background fraction 1/(K+1) equal softmax CE', () => {
    tf.tidy(() => {
      const X = tf.tensor2d(x, [n, k + 1]), Y = tf.tensor1d(y, 'int32');
      const a = scalar(detectionBalancedSoftmaxLoss(X, Y, [9, 9, 9, 9], { background: { mode: 'fraction', fraction: 1 / (k + 1) } }));
      expect(a).toBeCloseTo(scalar(softmaxCrossEntropyLoss(X, Y)), 5);
    });
  });
  it('finite-difference gradient', () => {
    const f = (t: tf.Tensor2D) => detectionBalancedSoftmaxLoss(t, tf.tensor1d(y, 'int32'), counts);
    const xs = randomLogits(23, n, k + 1, 1);
    const g = analyticGrad(f, xs, [n, k + 1]);
    for (const [i, v] of numericGrad(f, xs, [n, k + 1], 1e-2)) expect(Math.abs(v - g[i]!)).toBeLessThan(2e-4);
  });
  it('checks the column count', () => {
    tf.tidy(() => {
      expect(() => detectionBalancedSoftmaxLoss(tf.tensor2d(x, [n, k + 1]), tf.tensor1d(y, 'int32'), [1, 2, 3])).toThrow(/need 4 logit columns/);
    });
  });
});

describe('logit adjustment', () => {
  const n = 8, c = 5;
  const counts = [800, 200, 50, 10, 2];
  const x = randomLogits(31, n, c), y = randomLabels(32, n, c);
  it('the logit-adjusted loss with τ = 1 equals Balanced Softmax; τ = 0 equals softmax CE', () => {
    tf.tidy(() => {
      const X = tf.tensor2d(x, [n, c]), Y = tf.tensor1d(y, 'int32');
      expect(scalar(logitAdjustedLoss(X, Y, counts, 1))).toBeCloseTo(scalar(balancedSoftmaxLoss(X, Y, counts)), 5);
      const tot = counts.reduce((a, b) => a + b, 0);
      expect(scalar(logitAdjustedLoss(X, Y, counts.map((v) => v / tot), 1))).toBeCloseTo(scalar(balancedSoftmaxLoss(X, Y, counts)), 5);
      expect(scalar(logitAdjustedLoss(X, Y, counts, 0))).toBeCloseTo(scalar(softmaxCrossEntropyLoss(X, Y)), 5);
      const half = Array.from(x, (v, i) => v + 0.5 * Math.log(counts[i % c]! / tot));
      expect(scalar(logitAdjustedLoss(X, Y, counts, 0.5))).toBeCloseTo(crossEntropyRows(half, y, n, c).reduce((a, b) => a + b, 0) / n, 5);
    });
  });
  it('adjustLogits subtracts τ·log π (π normalised)', () => {
    const out = tf.tidy(() => adjustLogits(tf.tensor2d(x, [n, c]), counts, 1.5).dataSync());
    const tot = counts.reduce((a, b) => a + b, 0);
    out.forEach((v, i) => expect(v).toBeCloseTo(x[i]! - 1.5 * Math.log(counts[i % c]! / tot), 5));
    expect(() => tf.tidy(() => adjustLogits(tf.tensor2d(x, [n, c]), [1, 2], 1))).toThrow(/2 priors for 5/);
    expect(() => tf.tidy(() => adjustLogits(tf.tensor2d(x, [n, c]), [1, 2, 0, 4, 5], 1))).toThrow(BalmsInputError);
  });
});
