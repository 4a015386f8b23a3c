import * as tf from '@tensorflow/tfjs';
import { MATMUL_TN } from './kernels/matMulTNKernel.js';
import { BalmsInputError } from '../util/errors.js';

/**
 * `transpose(a) @ b` for `a: [M, P]`, `b: [M, Q]` — the shape of every weight gradient. Uses balms'
 * chunked wasm kernel when registered (see registerTrainingKernels), else an explicit transpose and
 * one matMul (never the transposeA flag, which wasm runs several times slower). Not differentiable
 * (meant for gradient functions).
 */
export function matMulTN(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  if (a.rank !== 2 || b.rank !== 2 || a.shape[0] !== b.shape[0]) {
    throw new BalmsInputError(`matMulTN: expected [M, P] and [M, Q], got [${a.shape}] and [${b.shape}]`);
  }
  if (a.dtype === 'float32' && b.dtype === 'float32' && tf.getKernel(MATMUL_TN, tf.getBackend())) {
    return tf.engine().runKernel(MATMUL_TN, { a, b }, {}) as tf.Tensor2D;
  }
  return tf.tidy(() => tf.matMul(tf.transpose(a), b));
}
