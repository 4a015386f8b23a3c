import * as tf from '@tensorflow/tfjs';
import { dense } from './dense.js';
import { BalmsInputError } from '../../util/errors.js';

/**
 * Stride-2 2×2 transposed convolution (the Mask R-CNN mask-head upsampler) written as one matMul:
 * `y[n, 2i+a, 2j+b, o] = Σ_c x[n, i, j, c] · W[a, b, o, c] + bias[o]`, identical to
 * `tf.conv2dTranspose(x, W, [n, 2h, 2w, o], 2, 'valid')`. `x: [N, H, W, Cin]`,
 * `W: [2, 2, Cout, Cin]` (the tf.conv2dTranspose filter layout), `b: [Cout]`, optional ReLU.
 * Differentiable on every backend and avoids both conv-gradient kernels.
 */
export function deconv2x2(
  x: tf.Tensor4D,
  W: tf.Tensor4D,
  b?: tf.Tensor1D | null,
  options: { relu?: boolean } = {},
): tf.Tensor4D {
  return tf.tidy(() => pixelShuffle2x(deconv2x2Blocks(x, W, b, options)));
}

/**
 * {@link deconv2x2} before its pixel shuffle: `[N, H, W, 2, 2, Cout]` with `[n, i, j, a, b, o]` =
 * `y[n, 2i+a, 2j+b, o]`. A consumer that reduces over channels per pixel (the mask predictor) can
 * work on this layout and shuffle only its much smaller result ({@link pixelShuffle2x}).
 */
export function deconv2x2Blocks(
  x: tf.Tensor4D,
  W: tf.Tensor4D,
  b?: tf.Tensor1D | null,
  options: { relu?: boolean } = {},
): tf.Tensor {
  if (x.rank !== 4 || W.rank !== 4) throw new BalmsInputError(`deconv2x2: expected 4-D x and W, got ranks ${x.rank} and ${W.rank}`);
  const [n, h, w, cin] = x.shape;
  const [kh, kw, cout, wcin] = W.shape;
  if (kh !== 2 || kw !== 2 || wcin !== cin) {
    throw new BalmsInputError(`deconv2x2: W must be [2, 2, Cout, ${cin}] for x [${x.shape}], got [${W.shape}]`);
  }
  if (b && (b.rank !== 1 || b.shape[0] !== cout)) throw new BalmsInputError(`deconv2x2: bias [${b.shape}] does not match ${cout} outputs`);
  return tf.tidy(() => {
    // columns (a, b, o) of Wm; bias and ReLU are applied before the pixel shuffle (they commute
    // with it), inside dense's single customGrad, so no full-size bias-add/sum/ReLU ops remain
    const Wm = tf.reshape(tf.transpose(W, [3, 0, 1, 2]), [cin, 4 * cout]) as tf.Tensor2D;
    const b4 = b ? (tf.tile(b, [4]) as tf.Tensor1D) : null;
    const y2 = dense(tf.reshape(x, [n * h * w, cin]), Wm, b4, options.relu ? 'relu' : 'linear');
    return tf.reshape(y2, [n, h, w, 2, 2, cout]);
  });
}

/** `[N, H, W, 2, 2, C]` blocks (see {@link deconv2x2Blocks}) → `[N, 2H, 2W, C]`. */
export function pixelShuffle2x(blocks: tf.Tensor): tf.Tensor4D {
  if (blocks.rank !== 6 || blocks.shape[3] !== 2 || blocks.shape[4] !== 2) {
    throw new BalmsInputError(`pixelShuffle2x: expected [N, H, W, 2, 2, C], got [${blocks.shape}]`);
  }
  const [n, h, w, , , c] = blocks.shape as number[];
  return tf.tidy(() => tf.reshape(tf.transpose(blocks, [0, 1, 3, 2, 4, 5]), [n!, 2 * h!, 2 * w!, c!]) as tf.Tensor4D);
}
