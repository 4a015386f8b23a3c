/**
 * Shared golden-case runner: loss values and logit gradients against PyTorch float64 goldens of the official formulas
 * (scripts/fixtures/make_loss_fixtures.py). Tolerance: |Δ| ≤ 1e-5·max(1, |ref|) for losses and
 * 1e-5 absolute for gradients.
 */
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { balancedSoftmaxLoss } from '../../src/losses/balancedSoftmax.js';
import { classBalancedLoss } from '../../src/losses/classBalanced.js';
import { detectionBalancedSoftmaxLoss, type BackgroundPrior } from '../../src/losses/detectionBalancedSoftmax.js';
import { equalizationLoss } from '../../src/losses/equalizationLoss.js';
import { focalLoss } from '../../src/losses/focal.js';
import { logitAdjustedLoss } from '../../src/losses/logitAdjusted.js';
import { detectionLogPrior } from '../../src/losses/detectionBalancedSoftmax.js';
import { SeesawLoss } from '../../src/losses/seesaw.js';
import { balancedSigmoidLoss, sigmoidCrossEntropyLoss } from '../../src/losses/sigmoidCrossEntropy.js';
import { softmaxCrossEntropyLoss } from '../../src/losses/softmaxCrossEntropy.js';
import { maxAbsErr } from './helpers.js';

interface Golden {
  name: string; N: number; K: number; numTrainImages: number; lambda: number; numTail: number;
  imageCount: number[]; instanceCount: number[]; labels: number[]; weights: string;
  logitsSoftmax: string; logitsSigmoid: string;
  results: Array<{ key: string; family: 'softmax' | 'sigmoid'; params: Record<string, unknown>; loss: number; grad: string }>;
}

const dir = join(import.meta.dirname, '..', 'fixtures', 'losses');
const f32 = (b64: string) => {
  const b = Buffer.from(b64, 'base64');
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};

type LossFn = (x: tf.Tensor2D, y: tf.Tensor1D, w: tf.Tensor1D, g: Golden, p: Record<string, any>) => tf.Tensor;

export const LOSSES: Record<string, LossFn> = {
  softmax: (x, y) => softmaxCrossEntropyLoss(x, y),
  softmax_weighted: (x, y, w) => softmaxCrossEntropyLoss(x, y, { weights: w }),
  balanced_softmax_plain: (x, y, _w, _g, p) => balancedSoftmaxLoss(x, y, p.counts as number[]),
  det_balanced_fraction: (x, y, _w, g, p) => detectionBalancedSoftmaxLoss(x, y, g.imageCount, { background: p.background as BackgroundPrior }),
  det_balanced_count: (x, y, w, g, p) => detectionBalancedSoftmaxLoss(x, y, g.imageCount, { background: p.background as BackgroundPrior, weights: w }),
  det_balanced_none: (x, y, _w, g, p) => detectionBalancedSoftmaxLoss(x, y, g.imageCount, { background: p.background as BackgroundPrior }),
  logit_adjusted: (x, y, _w, g, p) =>
    logitAdjustedLoss(x, y, Array.from(detectionLogPrior(g.imageCount, p.background as BackgroundPrior), Math.exp), p.tau as number),
  cb_softmax: (x, y, _w, g, p) => classBalancedLoss(x, y, g.instanceCount, { beta: p.beta as number, base: 'softmax' }),
  seesaw: (x, y, _w, g, p) => {
    const s = new SeesawLoss(g.K + 1, { p: p.p as number, q: p.q as number, eps: p.eps as number });
    s.setState({ cumCounts: p.cum0 as number[] });
    return s.loss(x, y);
  },
  sigmoid: (x, y) => sigmoidCrossEntropyLoss(x, y),
  balanced_sigmoid: (x, y, w, g) => balancedSigmoidLoss(x, y, g.imageCount, g.numTrainImages, { weights: w }),
  focal: (x, y, _w, _g, p) => focalLoss(x, y, { gamma: p.gamma as number, alpha: p.alpha as number }),
  focal_g1_5: (x, y, _w, _g, p) => focalLoss(x, y, { gamma: p.gamma as number, alpha: p.alpha as number }),
  cb_sigmoid: (x, y, _w, g, p) => classBalancedLoss(x, y, g.instanceCount, { beta: p.beta as number, base: 'sigmoid' }),
  cb_focal: (x, y, _w, g, p) => classBalancedLoss(x, y, g.instanceCount, { beta: p.beta as number, base: 'focal', gamma: p.gamma as number }),
  eql: (x, y, _w, g, p) => equalizationLoss(x, y, g.imageCount, g.numTrainImages, { lambda: p.lambda as number }),
};

/** Defines the golden comparisons for the named fixtures (call after selecting the backend in beforeAll). */
export function goldenSuite(backend: string, names: string[]): void {
  for (const name of names) {
    const g = JSON.parse(readFileSync(join(dir, `golden_${name}.json`), 'utf8')) as Golden;
    describe(`golden ${name} (N=${g.N}, K=${g.K}) on ${backend}`, () => {
      it('covers every loss in the fixture', () => {
        expect(g.results.map((r) => r.key).sort()).toEqual(Object.keys(LOSSES).sort());
      });
      for (const r of g.results) {
        it(`${r.key}: loss and gradient match PyTorch within 1e-5`, () => {
          const width = r.family === 'softmax' ? g.K + 1 : g.K;
          const xs = f32(r.family === 'softmax' ? g.logitsSoftmax : g.logitsSigmoid);
          tf.tidy(() => {
            const x = tf.tensor2d(xs, [g.N, width]);
            const y = tf.tensor1d(g.labels, 'int32');
            const w = tf.tensor1d(f32(g.weights));
            const fn = LOSSES[r.key]!;
            const { value, grad } = tf.valueAndGrad((t: tf.Tensor) => fn(t as tf.Tensor2D, y, w, g, r.params) as tf.Scalar)(x);
            const v = value.dataSync()[0]!;
            expect(Math.abs(v - r.loss) / Math.max(1, Math.abs(r.loss))).toBeLessThan(1e-5);
            expect(maxAbsErr(grad.dataSync(), f32(r.grad))).toBeLessThan(1e-5);
          });
        });
      }
    });
  }
}
