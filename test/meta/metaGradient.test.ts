/**
 * The meta learners' gradients against a float64 finite difference of the look-ahead meta loss,
 * computed by an independent plain-JS reference (no tfjs): build θ' = θ − lr(∇L_train(w) + λθ + μ·buf)
 * from scratch for w ± h and difference L_meta(θ').
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { balancedSoftmaxLoss } from '../../src/losses/balancedSoftmax.js';
import { softmaxCrossEntropyLoss } from '../../src/losses/softmaxCrossEntropy.js';
import { MetaReweighter, MetaSampler, type MetaStepInput } from '../../src/meta/index.js';
import { Rng } from '../../src/util/rng.js';

type Mat = number[][];
const sig = (x: number) => 1 / (1 + Math.exp(-x));

function logits(X: Mat, W: Mat, b: number[]): Mat {
  return X.map((x) => b.map((bj, j) => bj + x.reduce((s, xk, k) => s + xk * W[k]![j]!, 0)));
}
function softmax(z: number[]): number[] {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, v) => a + v, 0);
  return e.map((v) => v / s);
}
function ceMean(Z: Mat, y: number[]): number {
  return Z.reduce((acc, z, i) => acc - Math.log(softmax(z)[y[i]!]!), 0) / Z.length;
}

interface Problem {
  X: Mat; y: number[]; Xm: Mat; ym: number[]; W: Mat; b: number[]; bufW: Mat; bufB: number[];
  lr: number; wd: number; mu: number; shift: number[]; // shift: added to train logits (log n for Balanced Softmax, 0 otherwise)
}

/** L_meta(θ') for training-row coefficients A. */
function lookAheadLoss(p: Problem, A: number[]): number {
  const Z = logits(p.X, p.W, p.b);
  const C = p.b.length, D = p.W.length;
  const gW = Array.from({ length: D }, () => new Array<number>(C).fill(0));
  const gb = new Array<number>(C).fill(0);
  Z.forEach((z, i) => {
    const d = softmax(z.map((v, j) => v + p.shift[j]!));
    d[p.y[i]!]! -= 1;
    for (let j = 0; j < C; j++) {
      gb[j]! += A[i]! * d[j]!;
      for (let k = 0; k < D; k++) gW[k]![j]! += A[i]! * p.X[i]![k]! * d[j]!;
    }
  });
  const W2 = p.W.map((row, k) => row.map((w, j) => w - p.lr * (gW[k]![j]! + p.wd * w + p.mu * p.bufW[k]![j]!)));
  const b2 = p.b.map((bj, j) => bj - p.lr * (gb[j]! + p.wd * bj + p.mu * p.bufB[j]!));
  return ceMean(logits(p.Xm, W2, b2), p.ym);
}

function fdGradient(f: (w: number[]) => number, w: number[], h = 1e-5): number[] {
  return w.map((_, c) => {
    const wp = w.slice(), wm = w.slice();
    wp[c]! += h;
    wm[c]! -= h;
    return (f(wp) - f(wm)) / (2 * h);
  });
}

function makeProblem(rng: Rng, B: number, M: number, D: number, C: number, labelRange: number, shift: number[]): Problem {
  const mat = (r: number, c: number, s: number) => Array.from({ length: r }, () => Array.from({ length: c }, () => s * rng.normal()));
  return {
    X: mat(B, D, 1), y: Array.from({ length: B }, (_, i) => (i < labelRange ? i : rng.int(labelRange))),
    Xm: mat(M, D, 1), ym: Array.from({ length: M }, (_, i) => i % C),
    W: mat(D, labelRange === C ? C : labelRange, 0.3), b: Array.from({ length: labelRange }, () => 0.2 * rng.normal()),
    bufW: mat(D, labelRange, 0.1), bufB: Array.from({ length: labelRange }, () => 0.1 * rng.normal()),
    lr: 0.5, wd: 5e-4, mu: 0.9, shift,
  };
}

function toInput(p: Problem): MetaStepInput {
  return {
    classifier: { weight: tf.tensor2d(p.W), bias: tf.tensor1d(p.b) },
    train: { features: tf.tensor2d(p.X), labels: tf.tensor1d(p.y, 'int32') },
    meta: { features: tf.tensor2d(p.Xm), labels: tf.tensor1d(p.ym, 'int32') },
    step: { lr: p.lr, weightDecay: p.wd, momentum: p.mu, momentumBuffer: { weight: tf.tensor2d(p.bufW), bias: tf.tensor1d(p.bufB) } },
  };
}

function disposeInput(x: MetaStepInput): void {
  tf.dispose([x.classifier.weight, x.classifier.bias, x.train.features, x.train.labels, x.meta.features, x.meta.labels]);
  if (x.step.momentumBuffer) tf.dispose([x.step.momentumBuffer.weight, x.step.momentumBuffer.bias]);
}

function expectClose(g: ArrayLike<number>, fd: number[]): void {
  const scale = Math.max(...fd.map(Math.abs));
  expect(scale).toBeGreaterThan(1e-4); // a non-trivial gradient
  const err = Math.sqrt(fd.reduce((s, v, c) => s + (g[c]! - v) ** 2, 0)) / Math.sqrt(fd.reduce((s, v) => s + v * v, 0));
  expect(err).toBeLessThan(1e-3);
  for (let c = 0; c < fd.length; c++) expect(Math.abs(g[c]! - fd[c]!)).toBeLessThan(1e-3 * scale);
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('MetaSampler meta-gradient', () => {
  it('equals a float64 finite difference of the look-ahead meta loss (Balanced Softmax inner step)', () => {
    const rng = new Rng(21);
    const C = 4, counts = [300, 60, 12, 3];
    const shift = counts.map(Math.log);
    const p = makeProblem(rng, 24, 12, 5, C, C, shift);
    const ms = new MetaSampler({ classCounts: counts });
    // move w off the symmetric start so σ differs per class
    const w0 = [0.7, -0.4, 0.2, -1.1];
    ms.setState({ kind: 'meta-sampler', logits: w0, adam: { step: 0, m: [0, 0, 0, 0], v: [0, 0, 0, 0] } });
    // The look-ahead meta loss as a function of w, with the batch drawn at w̄ = w0:
    // A_i(w) = (1/B) p_i(w) / p_i(w̄), p_i(w) = σ(w_{y_i}) / Σ_k n_k σ(w_k).
    const pOf = (w: number[], y: number) => sig(w[y]!) / counts.reduce((s, n, k) => s + n * sig(w[k]!), 0);
    const F = (w: number[]) => lookAheadLoss(p, p.y.map((y) => pOf(w, y) / pOf(w0, y) / p.y.length));
    const fd = fdGradient(F, w0);
    const input = toInput(p);
    const r = ms.metaGradient(input);
    disposeInput(input);
    expect(r.metaLoss).toBeCloseTo(F(w0), 5);
    expectClose(r.gradient, fd);
  });
});

describe('MetaReweighter meta-gradient', () => {
  it('equals a float64 finite difference of the look-ahead meta loss (with background RoIs)', () => {
    const rng = new Rng(5);
    const C = 4; // + a background column (label 4)
    const p = makeProblem(rng, 30, 12, 6, C, C + 1, new Array<number>(C + 1).fill(0));
    const rw = new MetaReweighter({
      numClasses: C,
      trainLoss: (z, y) => softmaxCrossEntropyLoss(z, y, { reduction: 'none' }) as tf.Tensor1D,
    });
    const w0 = [-0.3, 0.9, 0.1, -0.6];
    rw.setState({ kind: 'meta-reweighter', logits: w0, adam: { step: 0, m: [0, 0, 0, 0], v: [0, 0, 0, 0] } });
    const N = p.y.length;
    const F = (w: number[]) => {
      const fg = p.y.filter((y) => y < C);
      const S = fg.reduce((s, y) => s + sig(w[y]!), 0);
      return lookAheadLoss(p, p.y.map((y) => (y < C ? (fg.length * sig(w[y]!)) / S : 1) / N));
    };
    expect(p.y.filter((y) => y === C).length).toBeGreaterThan(2);
    const fd = fdGradient(F, w0);
    const input = toInput(p);
    const r = rw.metaGradient(input);
    disposeInput(input);
    expect(r.metaLoss).toBeCloseTo(F(w0), 5);
    expectClose(r.gradient, fd);
  });

  it('roiWeights: foreground mean 1, proportional to σ(w_c); background 1', () => {
    const rw = new MetaReweighter({ numClasses: 3, classCounts: [10, 5, 1] });
    rw.setState({ kind: 'meta-reweighter', logits: [0, Math.log(3), 0], adam: { step: 0, m: [0, 0, 0], v: [0, 0, 0] } });
    // σ = 0.5, 0.75, 0.5; fg labels 0, 1, 1, 2 → S = 2.5, a = 4σ/2.5
    const a = Array.from(rw.roiWeights([0, 1, 3, 1, 2]));
    [0.8, 1.2, 1, 1.2, 0.8].forEach((v, i) => expect(a[i]).toBeCloseTo(v, 6));
  });
});

describe('meta learners: state and memory', () => {
  it('getState/setState resumes Adam exactly; numTensors stays flat over steps', () => {
    const rng = new Rng(8);
    const counts = [200, 40, 8];
    const p = makeProblem(rng, 16, 9, 4, 3, 3, counts.map(Math.log));
    const input = toInput(p);
    const a = new MetaSampler({ classCounts: counts });
    const rw = new MetaReweighter({ numClasses: 3, classCounts: counts });
    a.step(input);
    rw.step(input);
    const before = tf.memory().numTensors;
    const saved = JSON.parse(JSON.stringify(a.getState()));
    for (let k = 0; k < 5; k++) {
      a.step(input);
      rw.step(input);
    }
    expect(tf.memory().numTensors).toBe(before);
    const b = new MetaSampler({ classCounts: counts });
    b.setState(saved);
    for (let k = 0; k < 5; k++) b.step(input);
    expect(Array.from(b.logits())).toEqual(Array.from(a.logits()));
    expect(b.getState().adam.step).toBe(6);
    const bad = { ...input, meta: { features: tf.zeros([9, 3]) as tf.Tensor2D, labels: input.meta.labels } };
    expect(() => a.step(bad)).toThrow(/meta.features must be \[N, 4\]/);
    expect(tf.memory().numTensors).toBe(before + 1);
    tf.dispose(bad.meta.features);
    disposeInput(input);
    expect(() => b.setState({ ...saved, logits: [1, 2] })).toThrow(/3 finite numbers/);
  });

  it('trainGradient equals the autodiff gradient of the unweighted Balanced Softmax batch mean', () => {
    const rng = new Rng(13);
    const counts = [90, 30, 10, 3];
    const p = makeProblem(rng, 20, 8, 5, 4, 4, counts.map(Math.log));
    const input = toInput(p);
    const ms = new MetaSampler({ classCounts: counts });
    const before = tf.memory().numTensors;
    const r = ms.metaGradient(input, { trainGradient: true });
    const { weight: W, bias: b } = input.classifier;
    const [gW, gb] = tf.grads((w: tf.Tensor, bb: tf.Tensor) =>
      balancedSoftmaxLoss(tf.add(tf.matMul(input.train.features, w), bb) as tf.Tensor2D, input.train.labels, counts) as tf.Scalar,
    )([W, b]);
    const maxAbs = (t: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(t)).dataSync()[0]!);
    const dW = tf.tidy(() => maxAbs(tf.sub(r.trainGradient!.weight, gW!)));
    const db = tf.tidy(() => maxAbs(tf.sub(r.trainGradient!.bias, gb!)));
    expect(dW).toBeLessThan(1e-6);
    expect(db).toBeLessThan(1e-6);
    expect(maxAbs(gW!)).toBeGreaterThan(1e-3);
    tf.dispose([r.trainGradient!.weight, r.trainGradient!.bias, gW!, gb!]);
    expect(tf.memory().numTensors).toBe(before);
    disposeInput(input);
  });

  it('initPow follows the official init: 0 → all 0.5; 1 → ∝ 1/p_c scaled by (min + max)', () => {
    expect(Array.from(new MetaSampler({ classCounts: [100, 10, 1] }).rates())).toEqual([0.5, 0.5, 0.5]);
    const r = new MetaSampler({ classCounts: [100, 10, 1], initPow: 1 }).rates();
    // 1/p ∝ [1, 10, 100] → /(1 + 100)
    [1 / 101, 10 / 101, 100 / 101].forEach((v, c) => expect(r[c]).toBeCloseTo(v, 12));
  });

  it('imageRepeatFactors: equal rates give RFS exactly; otherwise rescaled by max rate, epoch length kept', () => {
    const ms = new MetaSampler({ classCounts: [10, 10, 10] });
    const images = [[0], [0, 1], [2], [], [1]];
    const base = [1, 1.5, 2, 1, 1.2];
    expect(Array.from(ms.imageRepeatFactors(images, { baseFactors: base }))).toEqual(base);
    ms.setState({ kind: 'meta-sampler', logits: [0, Math.log(3), -Math.log(3)], adam: { step: 0, m: [0, 0, 0], v: [0, 0, 0] } });
    // σ = 0.5, 0.75, 0.25 → m(I) = .5, .75, .25, –, .75
    const m = [0.5, 0.75, 0.25, NaN, 0.75];
    const annotated = [0, 1, 2, 4];
    const kappa = annotated.reduce((s, i) => s + base[i]! * m[i]!, 0) / annotated.reduce((s, i) => s + base[i]!, 0);
    const r = ms.imageRepeatFactors(images, { baseFactors: base });
    annotated.forEach((i) => expect(r[i]).toBeCloseTo((base[i]! * m[i]!) / kappa, 12));
    expect(r[3]).toBe(1);
    expect(r.reduce((s, v) => s + v, 0)).toBeCloseTo(base.reduce((s, v) => s + v, 0), 12);
  });
});
