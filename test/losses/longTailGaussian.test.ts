/**
 * End-to-end check of what Balanced Softmax is for: on a long-tailed training set (10 classes,
 * imbalance 100) of equal-covariance 2-D Gaussians, a linear classifier trained with Balanced
 * Softmax reaches the Bayes-optimal *balanced* accuracy (uniform test prior), while plain softmax
 * CE, which learns the long-tailed prior, falls clearly below it.
 *
 * Bayes-optimal rule for equal isotropic covariances under a uniform prior = nearest true mean;
 * its balanced accuracy is measured on the same large seeded balanced test set.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { balancedSoftmaxLoss } from '../../src/losses/balancedSoftmax.js';
import { softmaxCrossEntropyLoss } from '../../src/losses/softmaxCrossEntropy.js';
import { Rng } from '../../src/util/rng.js';

const C = 10, RADIUS = 2.5, SIGMA = 1, N_MAX = 2000, IMBALANCE = 100, TEST_PER_CLASS = 10000, STEPS = 250;
const means = Array.from({ length: C }, (_, j) => [RADIUS * Math.cos((2 * Math.PI * j) / C), RADIUS * Math.sin((2 * Math.PI * j) / C)]);
const counts = Array.from({ length: C }, (_, j) => Math.round(N_MAX * IMBALANCE ** (-j / (C - 1))));

function sample(rng: Rng, perClass: number[]): { x: Float32Array; y: Int32Array } {
  const total = perClass.reduce((a, b) => a + b, 0);
  const x = new Float32Array(total * 2), y = new Int32Array(total);
  let i = 0;
  perClass.forEach((m, j) => {
    for (let r = 0; r < m; r++, i++) {
      x[2 * i] = means[j]![0]! + SIGMA * rng.normal();
      x[2 * i + 1] = means[j]![1]! + SIGMA * rng.normal();
      y[i] = j;
    }
  });
  return { x, y };
}

function balancedAccuracy(pred: (x0: number, x1: number) => number, test: { x: Float32Array; y: Int32Array }): number {
  const hit = new Float64Array(C), tot = new Float64Array(C);
  for (let i = 0; i < test.y.length; i++) {
    const yi = test.y[i]!;
    tot[yi]!++;
    if (pred(test.x[2 * i]!, test.x[2 * i + 1]!) === yi) hit[yi]!++;
  }
  let s = 0;
  for (let j = 0; j < C; j++) s += hit[j]! / tot[j]!;
  return (100 * s) / C;
}

/** Full-batch Adam on a linear classifier [x0, x1, 1] · W (bias folded into W). */
function train(lossFn: (logits: tf.Tensor2D, y: tf.Tensor1D) => tf.Tensor, data: { x: Float32Array; y: Int32Array }) {
  const n = data.y.length;
  const xa = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) { xa[3 * i] = data.x[2 * i]!; xa[3 * i + 1] = data.x[2 * i + 1]!; xa[3 * i + 2] = 1; }
  const X = tf.tensor2d(xa, [n, 3]), Y = tf.tensor1d(data.y, 'int32');
  const W = tf.variable(tf.zeros([3, C]));
  const opt = tf.train.adam(0.05);
  for (let step = 0; step < STEPS; step++) {
    const cost = opt.minimize(() => lossFn(tf.matMul(X, W) as tf.Tensor2D, Y) as tf.Scalar, true);
    cost?.dispose();
  }
  const w = W.dataSync().slice();
  tf.dispose([X, Y, W]);
  opt.dispose();
  return (x0: number, x1: number) => {
    let best = 0, bestV = -Infinity;
    for (let j = 0; j < C; j++) {
      const v = x0 * w[j]! + x1 * w[C + j]! + w[2 * C + j]!;
      if (v > bestV) { bestV = v; best = j; }
    }
    return best;
  };
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('long-tailed 2-D Gaussians (10 classes, imbalance 100)', () => {
  it('Balanced Softmax is within 1 point of Bayes-optimal balanced accuracy; softmax CE is clearly below', () => {
    expect(counts[0]! / counts[C - 1]!).toBeCloseTo(IMBALANCE, 0);
    const trainSet = sample(new Rng(2020), counts);
    const testSet = sample(new Rng(7), new Array(C).fill(TEST_PER_CLASS));
    const bayes = balancedAccuracy((x0, x1) => {
      let best = 0, bestD = Infinity;
      for (let j = 0; j < C; j++) {
        const d = (x0 - means[j]![0]!) ** 2 + (x1 - means[j]![1]!) ** 2;
        if (d < bestD) { bestD = d; best = j; }
      }
      return best;
    }, testSet);
    const bal = balancedAccuracy(train((l, y) => balancedSoftmaxLoss(l, y, counts), trainSet), testSet);
    const ce = balancedAccuracy(train((l, y) => softmaxCrossEntropyLoss(l, y), trainSet), testSet);
    console.log(`balanced accuracy: Bayes ${bayes.toFixed(2)}  Balanced Softmax ${bal.toFixed(2)}  softmax CE ${ce.toFixed(2)}`);
    expect(Math.abs(bal - bayes)).toBeLessThan(1);
    expect(ce).toBeLessThan(bayes - 5);
  });
});
