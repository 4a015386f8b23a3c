import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { balancedSoftmaxLoss as rootBalancedSoftmaxLoss, createClassifierLoss, type ClassifierLossConfig } from '../../src/index.js';
import { lossTraits } from '../../src/losses/lossRegistry.js';
import { detectionBalancedSoftmaxLoss } from '../../src/losses/detectionBalancedSoftmax.js';
import { balancedSigmoidLoss } from '../../src/losses/sigmoidCrossEntropy.js';
import { softmaxCrossEntropyLoss } from '../../src/losses/softmaxCrossEntropy.js';
import { BalmsInputError } from '../../src/util/errors.js';
import { analyticGrad, numericGrad, randomLogits } from './helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const scalar = (t: tf.Tensor) => { const v = t.dataSync()[0]!; t.dispose(); return v; };
const k = 5, n = 7;
const stats = { imageCount: [300, 60, 12, 3, 1], instanceCount: [900, 100, 20, 3, 2], numTrainImages: 1000 };
const CONFIGS: ClassifierLossConfig[] = [
  { type: 'softmax' },
  { type: 'balanced_softmax' },
  { type: 'balanced_softmax', countSource: 'instance_count', background: { mode: 'none' } },
  { type: 'sigmoid' },
  { type: 'balanced_sigmoid' },
  { type: 'focal', gamma: 2, alpha: 0.25 },
  { type: 'class_balanced', beta: 0.999, base: 'softmax' },
  { type: 'class_balanced', beta: 0.99, base: 'sigmoid' },
  { type: 'class_balanced', beta: 0.99, base: 'focal', gamma: 1 },
  { type: 'eql', lambda: 0.005 },
  { type: 'seesaw', p: 0.8, q: 2 },
  { type: 'logit_adjusted', tau: 1 },
];
const softmaxFamily = new Set(['softmax', 'balanced_softmax', 'seesaw', 'logit_adjusted']);
const isSoftmax = (c: ClassifierLossConfig) => (c.type === 'class_balanced' ? c.base === 'softmax' : softmaxFamily.has(c.type));
const y = Int32Array.from([0, 5, 1, 5, 4, 2, 5]);

describe('createClassifierLoss', () => {
  it('balancedSoftmaxLoss is exported from the package root', () => {
    expect(typeof rootBalancedSoftmaxLoss).toBe('function');
  });

  for (const cfg of CONFIGS) {
    const label = JSON.stringify(cfg);
    it(`${label}: outputs, scalar loss, probabilities, FD gradient, flat tensor count`, () => {
      const loss = createClassifierLoss(cfg, stats);
      const w = loss.outputs(k);
      expect(w).toBe(isSoftmax(cfg) ? k + 1 : k);
      const x = randomLogits(61, n, w, 1);
      const Y = tf.tensor1d(y, 'int32');
      const wts = tf.tensor1d([1, 0.5, 2, 1, 1, 0, 1.5]);
      const v = loss.loss(tf.tensor2d(x, [n, w]), Y, wts);
      expect(v.rank).toBe(0);
      expect(Number.isFinite(scalar(v))).toBe(true);
      const state = loss.getState?.();
      const probs = tf.tidy(() => loss.probabilities(tf.tensor2d(x, [n, w])).arraySync());
      expect(probs.length).toBe(n);
      for (const row of probs) {
        expect(row.length).toBe(k + 1);
        if (isSoftmax(cfg)) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
        else expect(row[k]).toBe(0);
      }
      if (isSoftmax(cfg)) {
        // test time = plain softmax of the raw logits, whatever the training prior
        const ref = tf.tidy(() => tf.softmax(tf.tensor2d(x, [n, w])).arraySync());
        probs.forEach((r, i) => r.forEach((p, j) => expect(p).toBeCloseTo(ref[i]![j]!, 6)));
      } else {
        probs.forEach((r, i) => r.slice(0, k).forEach((p, j) => expect(p).toBeCloseTo(1 / (1 + Math.exp(-x[i * w + j]!)), 6)));
      }
      if (state !== undefined) loss.setState!(state);
      const f = (t: tf.Tensor2D) => {
        if (state !== undefined) loss.setState!(state); // seesaw: same counts each evaluation
        return loss.loss(t, Y, wts);
      };
      const g = analyticGrad(f, x, [n, w]);
      expect(g.every(Number.isFinite)).toBe(true);
      // Seesaw's compensation factor is detached by design (as in the reference), so its
      // gradient is not the derivative of its value; seesaw.test.ts checks it in closed form.
      if (cfg.type !== 'seesaw') {
        const coords = [0, 3, w + 1, 2 * w + 2, 4 * w, 5 * w + 1, n * w - 1];
        for (const [i, d] of numericGrad(f, x, [n, w], 1e-2, coords)) expect(Math.abs(d - g[i]!)).toBeLessThan(2e-4);
      }
      // family as the registry says it, and the per-row form exactly where it says: Σ w_i ℓ_i / N = the loss
      expect(loss.family).toBe(isSoftmax(cfg) ? 'softmax' : 'sigmoid');
      expect(lossTraits(cfg).family).toBe(loss.family);
      expect(loss.rowLoss !== undefined).toBe(lossTraits(cfg).rowLoss);
      if (loss.rowLoss) {
        const rows = tf.tidy(() => Array.from(loss.rowLoss!(tf.tensor2d(x, [n, w]), Y).dataSync()));
        expect(rows).toHaveLength(n);
        const wv = Array.from(wts.dataSync());
        const weighted = rows.reduce((acc, r, i) => acc + wv[i]! * r, 0) / n;
        expect(weighted).toBeCloseTo(tf.tidy(() => loss.loss(tf.tensor2d(x, [n, w]), Y, wts).dataSync()[0]!), 5);
      }
      const X = tf.tensor2d(x, [n, w]);
      const step = () => tf.tidy(() => { tf.grad((t: tf.Tensor) => loss.loss(t as tf.Tensor2D, Y, wts))(X); });
      step();
      const before = tf.memory().numTensors;
      for (let i = 0; i < 3; i++) step();
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([X, Y, wts]);
    });
  }

  it("balanced_softmax uses the detection prior over image counts (default background mode 'foreground')", () => {
    const x = randomLogits(62, n, k + 1);
    tf.tidy(() => {
      const X = tf.tensor2d(x, [n, k + 1]), Y = tf.tensor1d(y, 'int32');
      const a = scalar(createClassifierLoss({ type: 'balanced_softmax' }, stats).loss(X, Y));
      expect(a).toBeCloseTo(scalar(detectionBalancedSoftmaxLoss(X, Y, stats.imageCount, { background: { mode: 'foreground' } })), 6);
      const b = scalar(createClassifierLoss({ type: 'balanced_softmax', countSource: 'instance_count', background: { mode: 'count', count: 50 } }, stats).loss(X, Y));
      expect(b).toBeCloseTo(scalar(detectionBalancedSoftmaxLoss(X, Y, stats.instanceCount, { background: { mode: 'count', count: 50 } })), 6);
      // logit adjustment with τ = 1 is the same loss
      const c = scalar(createClassifierLoss({ type: 'logit_adjusted', tau: 1 }, stats).loss(X, Y));
      expect(c).toBeCloseTo(a, 6);
      expect(scalar(createClassifierLoss({ type: 'logit_adjusted', tau: 0 }, stats).loss(X, Y))).toBeCloseTo(scalar(softmaxCrossEntropyLoss(X, Y)), 6);
    });
  });

  it('balanced_sigmoid uses imageCount / numTrainImages', () => {
    const x = randomLogits(63, n, k);
    tf.tidy(() => {
      const X = tf.tensor2d(x, [n, k]), Y = tf.tensor1d(y, 'int32');
      expect(scalar(createClassifierLoss({ type: 'balanced_sigmoid' }, stats).loss(X, Y)))
        .toBeCloseTo(scalar(balancedSigmoidLoss(X, Y, stats.imageCount, 1000)), 6);
    });
  });

  it('zero counts and bad configs fail at creation with BalmsInputError', () => {
    const zero = { ...stats, imageCount: [300, 0, 12, 3, 1] };
    expect(() => createClassifierLoss({ type: 'balanced_softmax' }, zero)).toThrow(/classCounts\[1\] is 0/);
    expect(() => createClassifierLoss({ type: 'balanced_softmax', smoothing: 1 }, zero)).not.toThrow();
    expect(() => createClassifierLoss({ type: 'balanced_sigmoid' }, zero)).toThrow(BalmsInputError);
    expect(() => createClassifierLoss({ type: 'class_balanced', beta: 0.9, base: 'softmax', countSource: 'image_count' }, zero)).toThrow(BalmsInputError);
    expect(() => createClassifierLoss({ type: 'nope' } as never, stats)).toThrow(/unknown loss type 'nope'/);
    expect(() => createClassifierLoss({ type: 'softmax' }, { ...stats, instanceCount: [1] })).toThrow(/5 image counts but 1 instance/);
    expect(() => createClassifierLoss({ type: 'eql', lambda: -1 }, stats)).toThrow(/lambda/);
    const l = createClassifierLoss({ type: 'softmax' }, stats);
    expect(() => tf.tidy(() => l.loss(tf.zeros([2, 5]) as tf.Tensor2D, tf.tensor1d([0, 1], 'int32')))).toThrow(/expected 6 logit columns/);
  });

  it('seesaw state is exposed for checkpoints', () => {
    const l = createClassifierLoss({ type: 'seesaw', p: 0.8, q: 2 }, stats);
    tf.tidy(() => { l.loss(tf.zeros([n, k + 1]) as tf.Tensor2D, tf.tensor1d(y, 'int32')); });
    expect(l.getState!()).toEqual({ cumCounts: [1, 1, 1, 0, 1, 3] });
  });
});
