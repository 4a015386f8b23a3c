/**
 * The meta learners' look-ahead describes the step the trainer's optimiser really takes: for
 * SgdMomentum with Nesterov, a bias weight decay unlike the weight's, a momentum buffer and
 * gradient clipping, the look-ahead's ∂L_meta(θ')/∂A_i (= −γ·s_i) and the Meta Reweighter's
 * ∂L_meta(θ')/∂w equal finite differences of L_meta(θ'), θ' made by clipping the gradient of
 * Σ A_i ℓ_i with `clipGradientsByGlobalNorm` and calling `SgdMomentum.step` on it.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { clipGradientsByGlobalNorm } from '../../src/solver/clipGradients.js';
import { metaLossFor } from '../../src/engine/stageTwoMetaLearner.js';
import { SgdMomentum, type SgdConfig } from '../../src/solver/sgdMomentum.js';
import { createClassifierLoss, type ClassifierLoss } from '../../src/losses/index.js';
import { linearLookAhead, MetaReweighter, type ScalarLoss } from '../../src/meta/index.js';
import type { InnerStep } from '../../src/solver/index.js';
import { Rng } from '../../src/util/rng.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const W_NAME = 'cls_score/kernel', B_NAME = 'cls_score/bias';
const K = 3, D = 5, B = 12, M = 8;

interface Setup {
  loss: ClassifierLoss;
  metaLoss: ScalarLoss;
  opt: SgdMomentum;
  vars: Map<string, tf.Variable>;
  X: tf.Tensor2D; y: tf.Tensor1D; Xm: tf.Tensor2D; ym: tf.Tensor1D;
  /** θ and the optimiser state before the step under test. */
  theta: tf.Tensor[];
  state: Map<string, tf.Tensor>;
  lr: number;
  clip: number;
}

function setup(cfg: SgdConfig, warm: boolean, clip = 0): Setup {
  const rng = new Rng(3);
  const rand = (shape: number[], s: number) => tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => s * rng.normal()), shape);
  const loss = createClassifierLoss({ type: 'balanced_softmax' }, { imageCount: [400, 40, 4], instanceCount: [900, 60, 5], numTrainImages: 500 });
  const C = loss.outputs(K);
  const vars = new Map([
    [W_NAME, tf.variable(rand([D, C], 0.3), true)],
    [B_NAME, tf.variable(rand([C], 0.2), true)],
  ]);
  const opt = new SgdMomentum(cfg);
  // one earlier step with another gradient leaves a momentum buffer
  if (warm) tf.tidy(() => opt.step(vars, { [W_NAME]: rand([D, C], 1), [B_NAME]: rand([C], 1) }, 0.3));
  const labels = (n: number) => tf.tensor1d(Int32Array.from({ length: n }, (_, i) => (i < K + 1 ? i : rng.int(K + 1))), 'int32');
  const theta = [...vars.values()].map((v) => v.clone());
  const state = new Map([...opt.stateTensors()].map(([k, t]) => [k, t.clone()]));
  return { loss, metaLoss: metaLossFor(loss.family), opt, vars, X: rand([B, D], 1) as tf.Tensor2D, y: labels(B), Xm: rand([M, D], 1) as tf.Tensor2D, ym: labels(M), theta, state, lr: 0.4, clip };
}

/** L_meta(θ') with θ' from the trainer's real step on ∇ Σ_i A_i ℓ_i (clip, then the optimiser; state restored first). */
function realLookAhead(s: Setup, A: ArrayLike<number>, norm?: number[]): number {
  const [W, b] = [...s.vars.values()] as [tf.Variable, tf.Variable];
  W.assign(s.theta[0]!);
  b.assign(s.theta[1]!);
  s.opt.loadState(s.state);
  return tf.tidy(() => {
    const a = tf.tensor1d(Float32Array.from(A));
    const [gW, gb] = tf.grads((w: tf.Tensor, bb: tf.Tensor) =>
      tf.sum(tf.mul(s.loss.rowLoss!(tf.add(tf.matMul(s.X, w), bb) as tf.Tensor2D, s.y), a)),
    )([W, b]);
    const clipped = clipGradientsByGlobalNorm({ [W_NAME]: gW!, [B_NAME]: gb! }, s.clip);
    norm?.push(clipped.norm);
    s.opt.step(s.vars, clipped.grads, s.lr);
    return s.metaLoss(tf.add(tf.matMul(s.Xm, W), b) as tf.Tensor2D, s.ym).dataSync()[0]!;
  });
}

function lookAheadStep(s: Setup): InnerStep {
  const [W, b] = [...s.vars.values()] as [tf.Variable, tf.Variable];
  W.assign(s.theta[0]!);
  b.assign(s.theta[1]!);
  s.opt.loadState(s.state);
  return { ...s.opt.innerStep(s.vars, W_NAME, B_NAME, s.lr), clipGradNorm: s.clip };
}

function dispose(s: Setup): void {
  s.opt.dispose();
  tf.dispose([...s.vars.values(), s.X, s.y, s.Xm, s.ym, ...s.theta, ...s.state.values()]);
}

function expectClose(got: ArrayLike<number>, want: number[], rel: number): void {
  const scale = Math.max(...want.map(Math.abs));
  expect(scale).toBeGreaterThan(1e-3);
  for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThan(rel * scale);
}

const NESTEROV: SgdConfig = { momentum: 0.9, weightDecay: 1e-3, weightDecayBias: 0.05, nesterov: true };
/** label, optimiser, warm (a buffer), clipGradNorm, whether clipping is active */
const CASES: [string, SgdConfig, boolean, number, boolean][] = [
  ['Nesterov, bias decay ≠ weight decay, momentum buffer', NESTEROV, true, 0, false],
  ['Nesterov, first step (no buffer yet)', { momentum: 0.8, weightDecay: 0.02, weightDecayBias: 0, nesterov: true }, false, 0, false],
  ['plain momentum, bias decay ≠ weight decay, momentum buffer', { momentum: 0.9, weightDecay: 0, weightDecayBias: 0.05, nesterov: false }, true, 0, false],
  ['Nesterov + clipping that bites', NESTEROV, true, 0.05, true],
  ['Nesterov + clipping above the norm', NESTEROV, true, 50, false],
];

describe('linearLookAhead from SgdMomentum.innerStep', () => {
  for (const [label, cfg, warm, clip, bites] of CASES) {
    it(`${label}: L_meta(θ') and ∂L_meta(θ')/∂A_i = −γ·s_i match the real step`, () => {
      const s = setup(cfg, warm, clip);
      try {
        const A = Array.from({ length: B }, (_, i) => (0.5 + 0.1 * (i % 5)) / B);
        const step = lookAheadStep(s);
        expect(step.momentumBuffer !== undefined).toBe(warm);
        const r = linearLookAhead({
          classifier: { weight: s.vars.get(W_NAME) as tf.Tensor as tf.Tensor2D, bias: s.vars.get(B_NAME) as tf.Tensor as tf.Tensor1D },
          train: { features: s.X, labels: s.y },
          trainCoefficients: A,
          meta: { features: s.Xm, labels: s.ym },
          trainLoss: (z, y) => s.loss.rowLoss!(z, y),
          metaLoss: s.metaLoss,
          step,
        });
        expect(r.stepGain).toBeCloseTo(cfg.nesterov ? s.lr * (1 + cfg.momentum) : s.lr, 12);
        const norm: number[] = [];
        const f0 = realLookAhead(s, A, norm);
        expect(clip > 0 && norm[0]! > clip).toBe(bites);
        expect(Math.abs(r.metaLoss - f0)).toBeLessThan(2e-6 * Math.max(1, Math.abs(f0)));
        const h = 0.002;
        const fd = A.map((_, i) => {
          const p = A.slice(), m = A.slice();
          p[i]! += h;
          m[i]! -= h;
          return (realLookAhead(s, p) - realLookAhead(s, m)) / (2 * h);
        });
        expectClose(Array.from(r.alignment, (v) => -r.stepGain * v), fd, 2e-3);
        // what the look-ahead described before (lr, momentum and one weight decay, no Nesterov) is another step
        const naive = linearLookAhead({
          classifier: { weight: s.vars.get(W_NAME) as tf.Tensor as tf.Tensor2D, bias: s.vars.get(B_NAME) as tf.Tensor as tf.Tensor1D },
          train: { features: s.X, labels: s.y }, trainCoefficients: A, meta: { features: s.Xm, labels: s.ym },
          trainLoss: (z, y) => s.loss.rowLoss!(z, y), metaLoss: s.metaLoss,
          step: { lr: s.lr, momentum: cfg.momentum, weightDecay: cfg.weightDecay, ...(step.momentumBuffer ? { momentumBuffer: step.momentumBuffer } : {}) },
        });
        expect(Math.abs(naive.metaLoss - f0)).toBeGreaterThan(1e-4);
        if (bites) {
          // ... and so is the same step without its clipping: the correction term matters
          const unclipped = linearLookAhead({
            classifier: { weight: s.vars.get(W_NAME) as tf.Tensor as tf.Tensor2D, bias: s.vars.get(B_NAME) as tf.Tensor as tf.Tensor1D },
            train: { features: s.X, labels: s.y }, trainCoefficients: A, meta: { features: s.Xm, labels: s.ym },
            trainLoss: (z, y) => s.loss.rowLoss!(z, y), metaLoss: s.metaLoss, step: { ...step, clipGradNorm: 0 },
          });
          const rho = clip / (norm[0]! + 1e-6);
          const naiveScaled = Array.from(unclipped.alignment, (v) => -unclipped.stepGain * rho * v);
          const err = Math.max(...naiveScaled.map((v, i) => Math.abs(v - fd[i]!)));
          expect(err).toBeGreaterThan(2e-2 * Math.max(...fd.map(Math.abs)));
        }
      } finally {
        dispose(s);
      }
    });
  }

  it('the Meta Reweighter\'s ∂L_meta(θ\')/∂w matches a finite difference through the real step (Nesterov, clipping)', () => {
    const s = setup(NESTEROV, true, 0.05);
    try {
      const rw = new MetaReweighter({ numClasses: K, trainLoss: (z, y) => s.loss.rowLoss!(z, y), metaLoss: s.metaLoss });
      const w0 = [0.4, -0.7, 1.1];
      rw.setState({ kind: 'meta-reweighter', logits: w0, adam: { step: 0, m: [0, 0, 0], v: [0, 0, 0] } });
      const labels = Array.from(s.y.dataSync());
      const sig = (x: number) => 1 / (1 + Math.exp(-x));
      const coef = (w: number[]) => {
        const fg = labels.filter((c) => c < K);
        const S = fg.reduce((acc, c) => acc + sig(w[c]!), 0);
        return labels.map((c) => (c < K ? (fg.length * sig(w[c]!)) / S : 1) / labels.length);
      };
      const step = lookAheadStep(s);
      const r = rw.metaGradient({
        classifier: { weight: s.vars.get(W_NAME) as tf.Tensor as tf.Tensor2D, bias: s.vars.get(B_NAME) as tf.Tensor as tf.Tensor1D },
        train: { features: s.X, labels: s.y },
        meta: { features: s.Xm, labels: s.ym },
        step,
      });
      const h = 0.02;
      const fd = w0.map((_, c) => {
        const p = w0.slice(), m = w0.slice();
        p[c]! += h;
        m[c]! -= h;
        return (realLookAhead(s, coef(p)) - realLookAhead(s, coef(m))) / (2 * h);
      });
      expectClose(r.gradient, fd, 5e-3);
    } finally {
      dispose(s);
    }
  });
});
