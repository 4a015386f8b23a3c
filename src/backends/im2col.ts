import * as tf from '@tensorflow/tfjs';
import { IM2COL, type Im2ColAttrs } from './kernels/im2colKernel.js';

/**
 * Patches of a k×k convolution: `x: [N, H, W, C]` → `[N·outH·outW, k·k·C]` (rows in output order,
 * columns (ky, kx, c) like a `[k, k, C, ·]` filter). Uses balms' one-pass kernel on cpu/wasm (see
 * registerTrainingKernels) and pad + strided slices + concat elsewhere (tfjs-node's are native).
 * Not differentiable (meant for gradient functions).
 */
export function im2col(x: tf.Tensor4D, k: number, stride: number, padTop: number, padLeft: number, outH: number, outW: number): tf.Tensor2D {
  const [n, h, w, c] = x.shape;
  if (tf.getKernel(IM2COL, tf.getBackend())) {
    const attrs: Im2ColAttrs = { k, stride, padTop, padLeft, outH, outW };
    return tf.engine().runKernel(IM2COL, { x }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor2D;
  }
  return tf.tidy(() => {
    const padBottom = Math.max((outH - 1) * stride + k - h - padTop, 0);
    const padRight = Math.max((outW - 1) * stride + k - w - padLeft, 0);
    const xp = padTop || padLeft || padBottom || padRight ? tf.pad(x, [[0, 0], [padTop, padBottom], [padLeft, padRight], [0, 0]]) : x;
    const cols: tf.Tensor[] = [];
    for (let ky = 0; ky < k; ky++) {
      for (let kx = 0; kx < k; kx++) {
        cols.push(tf.stridedSlice(xp, [0, ky, kx, 0], [n, ky + (outH - 1) * stride + 1, kx + (outW - 1) * stride + 1, c], [1, stride, stride, 1]));
      }
    }
    return tf.reshape(cols.length === 1 ? cols[0]! : tf.concat(cols, 3), [n * outH * outW, k * k * c]);
  });
}
