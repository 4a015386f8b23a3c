/** Gradient clipping by global L2 norm (PyTorch `clip_grad_norm_`). */
import * as tf from '@tensorflow/tfjs';

/** ε of the clipping scale c/(‖G‖ + ε), as `clip_grad_norm_` (and the meta learners' look-ahead). */
export const CLIP_EPS = 1e-6;

/**
 * Returns the global norm of `grads` and, when it exceeds `maxNorm` (> 0), new gradients scaled by
 * maxNorm / (norm + ε), ε = `CLIP_EPS` (1e-6). The input tensors are disposed when replaced.
 */
export function clipGradientsByGlobalNorm(
  grads: Record<string, tf.Tensor>,
  maxNorm: number,
): { grads: Record<string, tf.Tensor>; norm: number } {
  const names = Object.keys(grads);
  const sq = tf.tidy(() => tf.addN(names.map((n) => tf.sum(tf.square(grads[n]!)))) as tf.Scalar);
  const norm = Math.sqrt(sq.dataSync()[0]!);
  sq.dispose();
  if (!(maxNorm > 0) || !(norm > maxNorm)) return { grads, norm };
  const scale = maxNorm / (norm + CLIP_EPS);
  const out: Record<string, tf.Tensor> = {};
  for (const n of names) {
    out[n] = tf.tidy(() => grads[n]!.mul(scale));
    grads[n]!.dispose();
  }
  return { grads: out, norm };
}
