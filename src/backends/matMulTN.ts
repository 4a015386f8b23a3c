import * as tf from '@tensorflow/tfjs';
import { MATMUL_TN } from './kernels/matMulTNKernel.js';
import { onTensorFlow } from './tensorflowKernels.js';
import { BalmsInputError } from '../util/errors.js';

/**
 * `transpose(a) @ b` for `a: [M, P]`, `b: [M, Q]` — the shape of every weight gradient. Uses balms'
 * chunked wasm kernel when registered (see registerTrainingKernels), TensorFlow's transposeA flag
 * on tfjs-node (its MatMul reads the operand transposed, no copy), else an explicit transpose and
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
  if (onTensorFlow()) return tf.matMul(a, b, true, false);
  return tf.tidy(() => tf.matMul(tf.transpose(a), b));
}

/**
 * `a @ transpose(b)` for `a: [M, P]`, `b: [Q, P]` (input gradients of dense layers): the transposeB
 * flag on tfjs-node, an explicit transpose elsewhere (the flag is 7–13× slower on wasm). Not
 * differentiable (meant for gradient functions).
 */
export function matMulNT(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  if (a.rank !== 2 || b.rank !== 2 || a.shape[1] !== b.shape[1]) {
    throw new BalmsInputError(`matMulNT: expected [M, P] and [Q, P], got [${a.shape}] and [${b.shape}]`);
  }
  if (onTensorFlow()) return tf.matMul(a, b, false, true);
  return tf.tidy(() => tf.matMul(a, tf.transpose(b)));
}
