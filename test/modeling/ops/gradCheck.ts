import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../../src/util/rng.js';

/** Deterministic normal-ish values from the seeded Rng. */
export function randn(rng: Rng, n: number, scale = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal() * scale;
  return a;
}

/**
 * Central finite differences of `loss(inputs)` (a scalar) w.r.t. `inputs[which]` at `probes` random
 * coordinates, compared with the analytic gradient from tf.grads. Returns the max relative error.
 */
export function gradCheck(
  loss: (...xs: tf.Tensor[]) => tf.Scalar,
  inputs: tf.Tensor[],
  rng: Rng,
  probes = 12,
  eps = 1e-2,
): number {
  const analytic = tf.tidy(() => tf.grads((...xs: tf.Tensor[]) => loss(...xs))(inputs).map((g) => g.dataSync().slice()));
  let worst = 0;
  for (let which = 0; which < inputs.length; which++) {
    const base = inputs[which]!.dataSync().slice() as Float32Array;
    for (let p = 0; p < probes; p++) {
      const i = Math.floor(rng.next() * base.length);
      const at = (delta: number): number =>
        tf.tidy(() => {
          const v = base.slice();
          v[i] = v[i]! + delta;
          const xs = inputs.map((t, k) => (k === which ? tf.tensor(v, t.shape) : t));
          return loss(...xs).dataSync()[0]!;
        });
      const numeric = (at(eps) - at(-eps)) / (2 * eps);
      const a = analytic[which]![i]!;
      const err = Math.abs(numeric - a) / Math.max(1, Math.abs(numeric), Math.abs(a));
      worst = Math.max(worst, err);
    }
  }
  return worst;
}

/** Largest |a[i] - b[i]| (lengths must agree). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
