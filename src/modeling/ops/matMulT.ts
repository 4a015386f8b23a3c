import * as tf from '@tensorflow/tfjs';
import { matMulNT, matMulTN } from '../../backends/matMulTN.js';
import { BalmsInputError } from '../../util/errors.js';

/**
 * `a @ b` for 2-D tensors with a gradient that applies transposes explicitly
 * (`da = dy @ transpose(b)`, `db = transpose(a) @ dy`) on wasm and cpu. The built-in matMul gradient
 * uses the transposeA/B flags, which the wasm backend runs 7–13× slower than an explicit transpose
 * (tfjs-node keeps the flags: see matMulTN/matMulNT).
 */
export function matMulT(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  if (a.rank !== 2 || b.rank !== 2) throw new BalmsInputError(`matMulT: expected 2-D inputs, got ranks ${a.rank} and ${b.rank}`);
  if (a.shape[1] !== b.shape[0]) {
    throw new BalmsInputError(`matMulT: inner dimensions differ: [${a.shape}] @ [${b.shape}]`);
  }
  return matMulTOp(a, b) as tf.Tensor2D;
}

const matMulTOp = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const a = args[0] as tf.Tensor2D;
  const b = args[1] as tf.Tensor2D;
  const save = args[2] as tf.GradSaveFunc;
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
      // free the transposed operand now, not at the end of the backward pass
      tf.tidy(() => {
        const [sa, sb] = saved as [tf.Tensor2D, tf.Tensor2D];
        return [matMulNT(dy as tf.Tensor2D, sb), matMulTN(sa, dy as tf.Tensor2D)];
      }),
  };
});
