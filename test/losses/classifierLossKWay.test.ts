/**
 * `createClassifierLoss(cfg, stats, { background: false })`: K-way logits for image
 * classification. Each loss against an independent form: softmax = softmax CE, Balanced Softmax =
 * `balancedSoftmaxLoss` (CE on logits + log n_j), logit adjustment τ = 1 = Balanced Softmax (the
 * shifts differ by a constant), class-balanced softmax = CE weighted by the CB weights; every
 * probability row has K columns (softmax rows sum to 1; sigmoid rows have no background column).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { balancedSoftmaxLoss } from '../../src/losses/balancedSoftmax.js';
import { classBalancedWeights } from '../../src/losses/classBalanced.js';
import { createClassifierLoss, type ClassifierLossConfig } from '../../src/losses/index.js';
import { softmaxCrossEntropyLoss } from '../../src/losses/softmaxCrossEntropy.js';
import { randomLogits } from './helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const K = 4, N = 6;
const counts = [500, 60, 12, 3];
const stats = { imageCount: counts, instanceCount: counts, numTrainImages: 575 };
const y = Int32Array.from([0, 3, 1, 2, 0, 3]);
const val = (t: tf.Tensor) => t.dataSync()[0]!;

describe('classifier losses without a background column', () => {
  const x = () => tf.tensor2d(randomLogits(7, N, K, 1.5), [N, K]);
  const Y = () => tf.tensor1d(y, 'int32');

  it('softmax, Balanced Softmax and logit adjustment against their independent forms', () => {
    tf.tidy(() => {
      const bs = createClassifierLoss({ type: 'balanced_softmax' }, stats, { background: false });
      expect(bs.outputs(K)).toBe(K);
      expect(val(bs.loss(x(), Y()))).toBeCloseTo(val(balancedSoftmaxLoss(x(), Y(), counts)), 5);
      const sm = createClassifierLoss({ type: 'softmax' }, stats, { background: false });
      expect(val(sm.loss(x(), Y()))).toBeCloseTo(val(softmaxCrossEntropyLoss(x(), Y())), 5);
      const la = createClassifierLoss({ type: 'logit_adjusted', tau: 1 }, stats, { background: false });
      expect(val(la.loss(x(), Y()))).toBeCloseTo(val(balancedSoftmaxLoss(x(), Y(), counts)), 5);
      // and Balanced Softmax differs from softmax here (the shift is not a no-op)
      expect(Math.abs(val(bs.loss(x(), Y())) - val(sm.loss(x(), Y())))).toBeGreaterThan(1e-2);
    });
  });

  it('class-balanced softmax = CE weighted by the class-balanced weights', () => {
    tf.tidy(() => {
      const cb = createClassifierLoss({ type: 'class_balanced', beta: 0.99, base: 'softmax', countSource: 'instance_count' }, stats, { background: false });
      const w = classBalancedWeights(counts, 0.99);
      const rows = tf.sub(tf.logSumExp(x(), 1), tf.sum(tf.mul(x(), tf.oneHot(Y(), K)), 1));
      const want = val(tf.mean(tf.mul(rows, tf.tensor1d(Array.from(y, (c) => w[c]!)))));
      expect(val(cb.loss(x(), Y()))).toBeCloseTo(want, 5);
    });
  });

  const ALL: ClassifierLossConfig[] = [
    { type: 'softmax' }, { type: 'balanced_softmax' }, { type: 'logit_adjusted', tau: 1 }, { type: 'sigmoid' }, { type: 'balanced_sigmoid' },
    { type: 'focal', gamma: 2, alpha: 0.25 }, { type: 'class_balanced', beta: 0.999, base: 'softmax' }, { type: 'eql', lambda: 0.005 }, { type: 'seesaw', p: 0.8, q: 2 },
  ];
  for (const cfg of ALL) {
    it(`${cfg.type}: K outputs, finite loss, K probability columns`, () => {
      const loss = createClassifierLoss(cfg, stats, { background: false });
      expect(loss.outputs(K)).toBe(K);
      tf.tidy(() => {
        expect(Number.isFinite(val(loss.loss(x(), Y())))).toBe(true);
        const p = loss.probabilities(x()).arraySync();
        for (const row of p) {
          expect(row.length).toBe(K);
          if (loss.family === 'softmax') expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
        }
      });
    });
  }
});
