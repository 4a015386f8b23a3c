/**
 * The official-form Meta Sampler's meta-gradient is the straight-through gradient: with the draw's
 * Gumbel noise and picks fixed, the batch coefficient is s_b(w) = 1 + y_soft_{b,j_b}(w) − y_soft_{b,j_b}(w̄)
 * (value 1, the soft draw's derivative). Finite differences of L_meta(θ'(w)) — θ' from the engine's
 * real step (`SgdMomentum.step` on the gradient of Σ_b s_b(w)/B · ℓ_b, momentum buffer, Nesterov,
 * weight decay) — must equal `metaGradient`. The draw itself is checked against a direct
 * softmax of (log σ(w) + g)/τ, g = −log(−log U), recomputed from the same uniforms.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SgdMomentum } from '../../src/solver/sgdMomentum.js';
import { metaLossFor } from '../../src/engine/stageTwoMetaLearner.js';
import { createClassifierLoss } from '../../src/losses/index.js';
import { GumbelMetaSampler, type GumbelDraw } from '../../src/meta/index.js';
import { Rng } from '../../src/util/rng.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const C = 3, D = 4, N = 14, B = 6, M = 6, TAU = 0.7;
const labels = Int32Array.from([0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2]);
const W_NAME = 'head/kernel', B_NAME = 'head/bias';

/** Soft probabilities of one row from its uniforms, computed directly (the independent truth). */
function softRow(w: Float64Array, u: Float64Array): Float64Array {
  const x = Array.from(labels, (y, n) => (Math.log(1 / (1 + Math.exp(-w[y]!))) - Math.log(-Math.log(u[n]!))) / TAU);
  const m = Math.max(...x);
  const e = x.map((v) => Math.exp(v - m));
  const z = e.reduce((a, b) => a + b, 0);
  return Float64Array.from(e, (v) => v / z);
}

describe('GumbelMetaSampler', () => {
  const rng = new Rng(5);
  const rand = (shape: number[], s: number) => tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => s * rng.normal()), shape);
  const loss = createClassifierLoss({ type: 'balanced_softmax' }, { imageCount: [7, 4, 3], instanceCount: [7, 4, 3], numTrainImages: 14 }, { background: false });
  const make = () => new GumbelMetaSampler({ labels, numClasses: C, tau: TAU, trainLoss: (z, y) => loss.rowLoss!(z, y), metaLoss: metaLossFor('softmax') });

  it('draws the argmax of (log σ(w) + g)/τ and reports its soft probabilities', () => {
    const ms = make();
    ms.setLogits([0.3, -0.5, 1.1]);
    const d = ms.draw(B, new Rng(9));
    const r = new Rng(9);
    for (let b = 0; b < B; b++) {
      const u = Float64Array.from({ length: N }, () => (r.nextUint32() + 0.5) / 2 ** 32);
      const p = softRow(Float64Array.from([0.3, -0.5, 1.1]), u);
      const j = p.indexOf(Math.max(...p));
      expect(d.indices[b]).toBe(j);
      expect(d.pickedSoft[b]).toBeCloseTo(p[j]!, 12);
      for (let c = 0; c < C; c++) expect(d.classSoft[b * C + c]).toBeCloseTo(p.reduce((s, v, n) => s + (labels[n] === c ? v : 0), 0), 12);
    }
  });

  it('meta-gradient = finite differences of L_meta through the real SgdMomentum step', () => {
    tf.engine().startScope();
    const features = rand([N, D], 1) as tf.Tensor2D;
    const Xm = rand([M, D], 1) as tf.Tensor2D;
    const ym = tf.tensor1d(Int32Array.from({ length: M }, (_, i) => i % C), 'int32');
    const W = tf.variable(rand([D, C], 0.4), true), b = tf.variable(rand([C], 0.2), true);
    const vars = new Map([[W_NAME, W], [B_NAME, b]]);
    const opt = new SgdMomentum({ momentum: 0.9, weightDecay: 5e-4, weightDecayBias: 1e-3, nesterov: true });
    tf.tidy(() => opt.step(vars, { [W_NAME]: rand([D, C], 1), [B_NAME]: rand([C], 1) }, 0.2)); // leaves a momentum buffer
    const theta = [W.clone(), b.clone()], state = new Map([...opt.stateTensors()].map(([k, t]) => [k, t.clone()]));
    const lr = 0.5;

    const ms = make();
    const w0 = Float64Array.from([0.2, -0.4, 0.9]);
    ms.setLogits(w0);
    const drawRng = new Rng(21);
    const uniforms = Array.from({ length: B }, () => Float64Array.from({ length: N }, () => (drawRng.nextUint32() + 0.5) / 2 ** 32));
    const draw: GumbelDraw = ms.draw(B, new Rng(21));
    const idx = tf.tensor1d(draw.indices, 'int32');
    const X = tf.gather(features, idx) as tf.Tensor2D, y = tf.gather(tf.tensor1d(labels, 'int32'), idx) as tf.Tensor1D;
    const step = opt.innerStep(vars, W_NAME, B_NAME, lr);
    const analytic = ms.metaGradient(draw, { classifier: { weight: W as tf.Tensor as tf.Tensor2D, bias: b as tf.Tensor as tf.Tensor1D }, train: { features: X, labels: y }, meta: { features: Xm, labels: ym }, step }).gradient;

    const soft0 = uniforms.map((u, r) => softRow(w0, u)[draw.indices[r]!]!);
    const metaAt = (w: Float64Array): number => {
      W.assign(theta[0]!);
      b.assign(theta[1]!);
      opt.loadState(state);
      const coef = Float32Array.from(uniforms, (u, r) => (1 + softRow(w, u)[draw.indices[r]!]! - soft0[r]!) / B);
      return tf.tidy(() => {
        const a = tf.tensor1d(coef);
        const [gW, gb] = tf.grads((ww: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(loss.rowLoss!(tf.add(tf.matMul(X, ww), bb) as tf.Tensor2D, y), a)))([W, b]);
        opt.step(vars, { [W_NAME]: gW!, [B_NAME]: gb! }, lr);
        return metaLossFor('softmax')(tf.add(tf.matMul(Xm, W), b) as tf.Tensor2D, ym).dataSync()[0]!;
      });
    };
    const h = 4e-2; // float32 losses: a larger step keeps the rounding of L_meta small against its change
    const fd = Array.from({ length: C }, (_, c) => {
      const p = w0.slice(), m = w0.slice();
      p[c]! += h;
      m[c]! -= h;
      return (metaAt(p) - metaAt(m)) / (2 * h);
    });
    const scale = Math.max(...fd.map(Math.abs));
    expect(scale).toBeGreaterThan(1e-4);
    for (let c = 0; c < C; c++) expect(Math.abs(analytic[c]! - fd[c]!)).toBeLessThan(1e-2 * scale);
    opt.dispose();
    tf.engine().endScope();
  });

  it('saves and restores its logits and Adam state', () => {
    const a = make();
    a.setLogits([0.1, 0.2, 0.3]);
    const b = make();
    b.setState(a.getState());
    expect(Array.from(b.logits())).toEqual(Array.from(a.logits()));
  });
});
