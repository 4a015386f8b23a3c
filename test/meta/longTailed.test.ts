/**
 * End-to-end behaviour on a long-tailed 2-D Gaussian problem: 10 classes with counts 500 → 5
 * (imbalance 100), class means on a circle, a linear classifier trained by SGD. The meta batch is
 * class-balanced from the training set; learning the rates should favour the rare classes.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { balancedSoftmaxLoss } from '../../src/losses/balancedSoftmax.js';
import { MetaReweighter, MetaSampler } from '../../src/meta/index.js';
import { ClassAwareSampler, classBalancedSampler, InstanceBalancedSampler } from '../../src/sampling/index.js';
import { Rng } from '../../src/util/rng.js';

const C = 10;
const COUNTS = Array.from({ length: C }, (_, c) => Math.round(500 * Math.pow(100, -c / (C - 1))));

function makeData(seed: number): { x: Float32Array; y: Int32Array } {
  const rng = new Rng(seed);
  const n = COUNTS.reduce((a, b) => a + b, 0);
  const x = new Float32Array(2 * n), y = new Int32Array(n);
  let k = 0;
  COUNTS.forEach((cnt, c) => {
    const a = (2 * Math.PI * c) / C;
    for (let j = 0; j < cnt; j++, k++) {
      x[2 * k] = 2.5 * Math.cos(a) + rng.normal();
      x[2 * k + 1] = 2.5 * Math.sin(a) + rng.normal();
      y[k] = c;
    }
  });
  return { x, y };
}

function batch(data: { x: Float32Array; y: Int32Array }, idx: Int32Array) {
  const f = new Float32Array(2 * idx.length), l = new Int32Array(idx.length);
  idx.forEach((i, k) => {
    f[2 * k] = data.x[2 * i]!;
    f[2 * k + 1] = data.x[2 * i + 1]!;
    l[k] = data.y[i]!;
  });
  return { features: tf.tensor2d(f, [idx.length, 2]), labels: tf.tensor1d(l, 'int32') };
}

const mean = (a: ArrayLike<number>, from: number, to: number) => {
  let s = 0;
  for (let c = from; c < to; c++) s += a[c]!;
  return s / (to - from);
};

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('meta learners on a long-tailed 2-D Gaussian problem', () => {
  const LR = 0.1, STEPS = 300, B = 64, M = 50;

  it('the Meta Sampler raises the rare classes’ rates', () => {
    const data = makeData(1);
    const ms = new MetaSampler({ classCounts: COUNTS, adam: { lr: 0.05 } });
    const train = new ClassAwareSampler(data.y, ms.classSamplingMass(), { seed: 2 });
    const meta = classBalancedSampler(data.y, { seed: 3 });
    const W = tf.variable(tf.zeros([2, C])), b = tf.variable(tf.zeros([C]));
    const opt = tf.train.sgd(LR);
    const start = tf.memory().numTensors;
    for (let t = 0; t < STEPS; t++) {
      train.setClassMass(ms.classSamplingMass());
      const tb = batch(data, train.take(B)), mb = batch(data, meta.take(M));
      ms.step({ classifier: { weight: W as tf.Tensor2D, bias: b as tf.Tensor1D }, train: tb, meta: mb, step: { lr: LR } });
      // the real step: same batch, unweighted Balanced Softmax (as the official code)
      tf.dispose(opt.minimize(() => balancedSoftmaxLoss(tf.add(tf.matMul(tb.features, W), b) as tf.Tensor2D, tb.labels, COUNTS) as tf.Scalar, true) ?? []);
      tf.dispose([tb.features, tb.labels, mb.features, mb.labels]);
    }
    expect(tf.memory().numTensors).toBe(start);
    const r = ms.rates();
    const rare = mean(r, 7, 10), frequent = mean(r, 0, 3);
    expect(rare).toBeGreaterThan(0.5);
    expect(rare).toBeGreaterThan(frequent + 0.1);
    tf.dispose([W, b]);
    opt.dispose();
  });

  it('the Meta Reweighter raises the rare classes’ weights', () => {
    const data = makeData(4);
    const rw = new MetaReweighter({ numClasses: C, classCounts: COUNTS, adam: { lr: 0.05 } });
    const train = new InstanceBalancedSampler(data.y.length, { seed: 5 });
    const meta = classBalancedSampler(data.y, { seed: 6 });
    const W = tf.variable(tf.zeros([2, C])), b = tf.variable(tf.zeros([C]));
    const opt = tf.train.sgd(LR);
    for (let t = 0; t < STEPS; t++) {
      const tb = batch(data, train.take(B)), mb = batch(data, meta.take(M));
      rw.step({ classifier: { weight: W as tf.Tensor2D, bias: b as tf.Tensor1D }, train: tb, meta: mb, step: { lr: LR } });
      const weights = rw.roiWeightTensor(tb.labels);
      tf.dispose(opt.minimize(() => balancedSoftmaxLoss(tf.add(tf.matMul(tb.features, W), b) as tf.Tensor2D, tb.labels, COUNTS, { weights }) as tf.Scalar, true) ?? []);
      tf.dispose([tb.features, tb.labels, mb.features, mb.labels, weights]);
    }
    const v = rw.classWeights();
    const rare = mean(v, 7, 10), frequent = mean(v, 0, 3);
    expect(rare).toBeGreaterThan(0.5);
    expect(rare).toBeGreaterThan(frequent + 0.1);
    tf.dispose([W, b]);
    opt.dispose();
  });
});
