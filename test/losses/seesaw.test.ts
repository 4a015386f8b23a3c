import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SeesawLoss } from '../../src/losses/seesaw.js';
import { softmaxCrossEntropyLoss } from '../../src/losses/softmaxCrossEntropy.js';
import { BalmsInputError } from '../../src/util/errors.js';
import { analyticGrad, crossEntropyRows, randomLabels, randomLogits } from './helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const scalar = (t: tf.Tensor) => { const v = t.dataSync()[0]!; t.dispose(); return v; };
const n = 6, c = 4;
const x = randomLogits(51, n, c), y = Int32Array.from([0, 3, 3, 1, 2, 3]);

describe('SeesawLoss', () => {
  it('accumulates class counts as state (labels first, then the loss) and round-trips it', () => {
    const s = new SeesawLoss(c);
    tf.tidy(() => { s.loss(tf.tensor2d(x, [n, c]), tf.tensor1d(y, 'int32')); });
    expect(s.getState().cumCounts).toEqual([1, 1, 1, 3]);
    tf.tidy(() => { s.loss(tf.tensor2d(x, [n, c]), tf.tensor1d(y, 'int32')); });
    expect(s.getState().cumCounts).toEqual([2, 2, 2, 6]);
    const t = new SeesawLoss(c);
    t.setState(s.getState());
    expect(t.getState()).toEqual(s.getState());
    expect(() => t.setState({ cumCounts: [1, 2] })).toThrow(BalmsInputError);
  });

  it('p = q = 0 is plain softmax CE', () => {
    const s = new SeesawLoss(c, { p: 0, q: 0 });
    tf.tidy(() => {
      const X = tf.tensor2d(x, [n, c]), Y = tf.tensor1d(y, 'int32');
      expect(scalar(s.loss(X, Y))).toBeCloseTo(scalar(softmaxCrossEntropyLoss(X, Y)), 6);
    });
  });

  it('matches a hand-computed float64 seesaw loss; the compensation factor carries no gradient', () => {
    const p = 0.8, q = 2, eps = 1e-2;
    const cum0 = [100, 10, 1, 1000];
    const cum = cum0.slice();
    for (const l of y) cum[l]! += 1;
    const z = new Float64Array(n * c);
    const sm = new Float64Array(n * c);
    for (let i = 0; i < n; i++) {
      let m = -Infinity; for (let j = 0; j < c; j++) m = Math.max(m, x[i * c + j]!);
      let s = 0; for (let j = 0; j < c; j++) s += Math.exp(x[i * c + j]! - m);
      for (let j = 0; j < c; j++) sm[i * c + j] = Math.exp(x[i * c + j]! - m) / s;
    }
    for (let i = 0; i < n; i++) for (let j = 0; j < c; j++) {
      const yi = y[i]!;
      let S = 1;
      if (j !== yi) {
        const r = cum[j]! / cum[yi]!;
        if (r < 1) S *= r ** p;
        const cr = sm[i * c + j]! / Math.max(sm[i * c + yi]!, eps);
        if (cr > 1) S *= cr ** q;
      }
      z[i * c + j] = x[i * c + j]! + Math.log(S);
    }
    const ref = crossEntropyRows(z, y, n, c).reduce((a, b) => a + b, 0) / n;
    const s = new SeesawLoss(c, { p, q, eps });
    s.setState({ cumCounts: cum0 });
    expect(tf.tidy(() => scalar(s.loss(tf.tensor2d(x, [n, c]), tf.tensor1d(y, 'int32'))))).toBeCloseTo(ref, 5);
    // Gradient = CE gradient at the seesaw logits z, treating log S as a constant:
    // (softmax(z) − onehot)/N. (counts fixed by restoring the state before the gradient call)
    s.setState({ cumCounts: cum0 });
    const g = analyticGrad((t) => s.loss(t, tf.tensor1d(y, 'int32')), x, [n, c]);
    for (let i = 0; i < n; i++) {
      let m = -Infinity; for (let j = 0; j < c; j++) m = Math.max(m, z[i * c + j]!);
      let sum = 0; for (let j = 0; j < c; j++) sum += Math.exp(z[i * c + j]! - m);
      for (let j = 0; j < c; j++) {
        const pz = Math.exp(z[i * c + j]! - m) / sum;
        expect(g[i * c + j]).toBeCloseTo((pz - (j === y[i] ? 1 : 0)) / n, 6);
      }
    }
  });

  it('rejects bad parameters and shapes', () => {
    expect(() => new SeesawLoss(1)).toThrow(BalmsInputError);
    expect(() => new SeesawLoss(4, { p: -1 })).toThrow(/p must be/);
    const s = new SeesawLoss(5);
    expect(() => tf.tidy(() => s.loss(tf.tensor2d(x, [n, c]), tf.tensor1d(y, 'int32')))).toThrow(/expected 5/);
  });

  it('keeps the tensor count flat', () => {
    const s = new SeesawLoss(c);
    const X = tf.tensor2d(x, [n, c]), Y = tf.tensor1d(randomLabels(52, n, c), 'int32');
    const step = () => tf.tidy(() => { tf.grad((t: tf.Tensor) => s.loss(t as tf.Tensor2D, Y) as tf.Scalar)(X); });
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 4; i++) step();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([X, Y]);
  });
});
