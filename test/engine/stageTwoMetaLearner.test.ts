import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveTrainConfig } from '../../src/engine/config/resolveTrainConfig.js';
import { createMetaLearner } from '../../src/engine/stageTwoMetaLearner.js';
import { createClassifierLoss, lossTypesWhere } from '../../src/losses/index.js';
import { Rng } from '../../src/util/rng.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const stats = { imageCount: [40, 8, 2], instanceCount: [90, 10, 3], numTrainImages: 50 };
const imageClasses = [[0], [0, 1], [2], [], [1]].map((c) => Int32Array.from(c));

function config(type: string, loss: string) {
  return resolveTrainConfig({ sets: ['stage2.enabled=true', 'stage2.initCheckpoint=s1.ckpt', `meta.type=${type}`, `loss.type=${loss}`, 'meta.refreshPeriod=2'] });
}

describe('createMetaLearner', () => {
  const rowLossTypes = lossTypesWhere((t) => t.rowLoss);
  it('the per-row losses are the Balanced Softmax family and the sigmoid BCEs', () => {
    expect(rowLossTypes).toEqual(['softmax', 'balanced_softmax', 'sigmoid', 'balanced_sigmoid', 'logit_adjusted']);
  });
  for (const lossType of rowLossTypes) {
    for (const type of ['meta_reweighter', 'meta_sampler']) {
      it(`${type} on ${lossType}: a meta step on the loss's own rows, the loss weights and the between-step refresh`, () => {
        const cfg = config(type, lossType);
        const loss = createClassifierLoss(cfg.loss, stats);
        const meta = createMetaLearner(cfg, loss, stats, imageClasses)!;
        expect(meta.kind).toBe(type);
        const rng = new Rng(1);
        const c = loss.outputs(3);
        const rand = (r: number, k: number) => tf.tensor2d(Float32Array.from({ length: r * k }, () => rng.normal()), [r, k]);
        const labels = tf.tensor1d([0, 1, 2, 3, 0, 3], 'int32');
        const weight = rand(4, c), bias = tf.zeros([c]) as tf.Tensor1D, x = rand(6, 4), xm = rand(6, 4);
        const before = JSON.stringify(meta.getState().logits);
        const metaLoss = meta.beforeStep({ classifier: { weight, bias }, train: { features: x, labels }, meta: { features: xm, labels }, step: { lr: 0.1, momentum: 0.9, nesterov: true } });
        expect(Number.isFinite(metaLoss)).toBe(true);
        expect(JSON.stringify(meta.getState().logits)).not.toBe(before);
        const w = meta.lossWeights(labels);
        if (type === 'meta_reweighter') {
          const a = Array.from(w!.dataSync());
          expect((a[0]! + a[1]! + a[2]! + a[4]!) / 4).toBeCloseTo(1, 6);
          expect([a[3], a[5]]).toEqual([1, 1]);
        } else expect(w).toBeUndefined();
        const scheduled: number[][] = [];
        const run = { scheduleRepeatFactors: (f: ArrayLike<number>) => void scheduled.push(Array.from(f)) };
        for (let i = 1; i <= 4; i++) meta.afterStep(i, run);
        expect(scheduled.length).toBe(type === 'meta_sampler' ? 2 : 0);
        if (scheduled.length) expect(scheduled[0]).toHaveLength(imageClasses.length);
        tf.dispose([labels, weight, bias, x, xm, ...(w ? [w] : [])]);
      });
    }
  }
});
