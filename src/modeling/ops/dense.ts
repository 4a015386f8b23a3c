import * as tf from '@tensorflow/tfjs';
import { matMulNT, matMulTN } from '../../backends/matMulTN.js';
import { reluGrad } from '../../backends/tensorflowKernels.js';
import { sumRows } from './sumRows.js';
import { BalmsInputError } from '../../util/errors.js';

/** Activation applied by {@link dense}. */
export type DenseActivation = 'linear' | 'relu';

/**
 * Fully connected layer `act(x @ W + b)` for `x: [N, In]`, `W: [In, Out]`, `b: [Out]`, as one
 * customGrad whose backward uses explicit transposes on wasm and cpu (TensorFlow's transpose flags
 * on tfjs-node; see matMulTN/matMulNT) and folds the ReLU mask in:
 * `dz = dy · [y > 0]`, `dx = dz @ Wᵀ`, `dW = xᵀ @ dz`, `db = Σ_rows dz`.
 */
export function dense(
  x: tf.Tensor2D,
  W: tf.Tensor2D,
  b?: tf.Tensor1D | null,
  activation: DenseActivation = 'linear',
): tf.Tensor2D {
  if (x.rank !== 2 || W.rank !== 2) throw new BalmsInputError(`dense: expected 2-D x and W, got ranks ${x.rank} and ${W.rank}`);
  if (x.shape[1] !== W.shape[0]) throw new BalmsInputError(`dense: x [${x.shape}] does not match W [${W.shape}]`);
  if (b && (b.rank !== 1 || b.shape[0] !== W.shape[1])) {
    throw new BalmsInputError(`dense: bias shape [${b.shape}] does not match W [${W.shape}]`);
  }
  if (activation !== 'linear' && activation !== 'relu') throw new BalmsInputError(`dense: unknown activation '${activation as string}'`);
  const relu = activation === 'relu';
  if (b) return (relu ? denseBiasRelu : denseBias)(x, W, b) as tf.Tensor2D;
  return (relu ? denseRelu : denseLinear)(x, W) as tf.Tensor2D;
}

function makeDense(withBias: boolean, relu: boolean) {
  return tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const x = args[0] as tf.Tensor2D;
    const W = args[1] as tf.Tensor2D;
    const b = withBias ? (args[2] as tf.Tensor1D) : null;
    const save = args[withBias ? 3 : 2] as tf.GradSaveFunc;
    // fused bias + ReLU in the forward kernel (its own gradient is never used: see gradFunc)
    const y = tf.fused.matMul({ a: x, b: W, bias: b ?? undefined, activation: relu ? 'relu' : 'linear' });
    save(relu ? [x, W, y] : [x, W]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        // free the temporaries (transposed weights, masked dy…) now, not at the end of the backward pass
        tf.tidy(() => {
          const sx = saved[0] as tf.Tensor2D;
          const sW = saved[1] as tf.Tensor2D;
          const dz = (relu ? reluGrad(dy, saved[2]!) : dy) as tf.Tensor2D;
          const dx = matMulNT(dz, sW);
          const dW = matMulTN(sx, dz);
          return withBias ? [dx, dW, sumRows(dz)] : [dx, dW];
        }),
    };
  });
}

const denseLinear = makeDense(false, false);
const denseRelu = makeDense(false, true);
const denseBias = makeDense(true, false);
const denseBiasRelu = makeDense(true, true);
