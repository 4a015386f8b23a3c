/** Test helpers for the loss tests: seeded data, float64 references, finite differences. */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../src/util/rng.js';

export function randomLogits(seed: number, n: number, c: number, scale = 2): Float32Array {
  const rng = new Rng(seed);
  const a = new Float32Array(n * c);
  for (let i = 0; i < a.length; i++) a[i] = scale * rng.normal();
  return a;
}

export function randomLabels(seed: number, n: number, c: number): Int32Array {
  const rng = new Rng(seed);
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.int(c);
  return a;
}

/** Float64 per-row softmax probabilities of a row-major [N, C] array. */
export function softmaxRows(x: ArrayLike<number>, n: number, c: number): Float64Array {
  const p = new Float64Array(n * c);
  for (let i = 0; i < n; i++) {
    let m = -Infinity;
    for (let j = 0; j < c; j++) m = Math.max(m, x[i * c + j]!);
    let s = 0;
    for (let j = 0; j < c; j++) s += Math.exp(x[i * c + j]! - m);
    for (let j = 0; j < c; j++) p[i * c + j] = Math.exp(x[i * c + j]! - m) / s;
  }
  return p;
}

/** Float64 per-row cross-entropy. */
export function crossEntropyRows(x: ArrayLike<number>, labels: ArrayLike<number>, n: number, c: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let m = -Infinity;
    for (let j = 0; j < c; j++) m = Math.max(m, x[i * c + j]!);
    let s = 0;
    for (let j = 0; j < c; j++) s += Math.exp(x[i * c + j]! - m);
    out[i] = m + Math.log(s) - x[i * c + labels[i]!]!;
  }
  return out;
}

/**
 * Central finite differences of a scalar tfjs function of a [N, C] tensor, evaluated in float32
 * on the current backend, at a subset of coordinates (all if `coords` omitted).
 */
export function numericGrad(
  f: (x: tf.Tensor2D) => tf.Tensor,
  x: Float32Array,
  shape: [number, number],
  eps = 1e-2,
  coords?: number[],
): Map<number, number> {
  const out = new Map<number, number>();
  const idx = coords ?? Array.from({ length: x.length }, (_, i) => i);
  const evalAt = (a: Float32Array): number =>
    tf.tidy(() => f(tf.tensor2d(a, shape)).dataSync()[0]!);
  for (const k of idx) {
    const a = x.slice();
    a[k] = x[k]! + eps;
    const fp = evalAt(a);
    a[k] = x[k]! - eps;
    const fm = evalAt(a);
    out.set(k, (fp - fm) / (2 * eps));
  }
  return out;
}

/** Analytic gradient of a scalar tfjs function via tf.grad, as a Float32Array. */
export function analyticGrad(f: (x: tf.Tensor2D) => tf.Tensor, x: Float32Array, shape: [number, number]): Float32Array {
  return tf.tidy(() => {
    const g = tf.grad((t: tf.Tensor) => f(t as tf.Tensor2D) as tf.Scalar)(tf.tensor2d(x, shape));
    return g.dataSync() as Float32Array;
  });
}

/** Max |a − b| / max(1, |b|). */
export function maxRelErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let e = 0;
  for (let i = 0; i < a.length; i++) e = Math.max(e, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!)));
  return e;
}

/** Max |a − b|. */
export function maxAbsErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let e = 0;
  for (let i = 0; i < a.length; i++) e = Math.max(e, Math.abs(a[i]! - b[i]!));
  return e;
}
