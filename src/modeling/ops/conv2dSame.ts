import * as tf from '@tensorflow/tfjs';
import { matMulTN } from '../../backends/matMulTN.js';
import { im2col } from '../../backends/im2col.js';
import { onTensorFlow, reluGrad } from '../../backends/tensorflowKernels.js';
import { sumRows } from './sumRows.js';
import { BalmsInputError, BalmsInternalError } from '../../util/errors.js';

/** Options of {@link conv2dSame}. */
export interface Conv2dSameOptions {
  /** Stride in both directions (default 1). */
  stride?: number;
  /** Apply ReLU after the bias (default false). */
  relu?: boolean;
}

/**
 * 2-D convolution with 'same' padding (TensorFlow rule: total pad `max((out-1)·s + k - in, 0)`,
 * the smaller half on top/left; for odd k at stride 1 this is the symmetric `(k-1)/2` of PyTorch).
 * `x: [N, H, W, Cin]` (NHWC), `W: [k, k, Cin, Cout]` with odd k (1×1 and 3×3 are the usual), optional
 * bias `[Cout]` and ReLU. One customGrad whose backward is fast on every backend: on TensorFlow
 * (tfjs-node) its own Conv2DBackpropInput / Conv2DBackpropFilter and ReluGrad; on wasm and cpu,
 * whose conv-gradient kernels are missing (wasm) or very slow (cpu), `dx` is a forward
 * convolution of (zero-dilated, for stride > 1) `dy` with the flipped, in/out-swapped filter, and
 * `dW` is im2col (one pass; see backends/im2col) followed by one matMul with an explicit transpose.
 */
export function conv2dSame(
  x: tf.Tensor4D,
  W: tf.Tensor4D,
  b?: tf.Tensor1D | null,
  options: Conv2dSameOptions = {},
): tf.Tensor4D {
  const stride = options.stride ?? 1;
  const relu = options.relu ?? false;
  if (x.rank !== 4 || W.rank !== 4) throw new BalmsInputError(`conv2dSame: expected 4-D x and W, got ranks ${x.rank} and ${W.rank}`);
  const [kh, kw, cin, cout] = W.shape;
  if (kh !== kw || kh % 2 !== 1) throw new BalmsInputError(`conv2dSame: filter must be k×k with odd k, got [${W.shape}]`);
  if (x.shape[3] !== cin) throw new BalmsInputError(`conv2dSame: x [${x.shape}] has ${x.shape[3]} channels, W expects ${cin}`);
  if (!Number.isInteger(stride) || stride < 1) throw new BalmsInputError(`conv2dSame: stride must be a positive integer, got ${stride}`);
  if (b && (b.rank !== 1 || b.shape[0] !== cout)) throw new BalmsInputError(`conv2dSame: bias [${b.shape}] does not match ${cout} outputs`);
  const op = getOp(!!b, relu, stride);
  return (b ? op(x, W, b) : op(x, W)) as tf.Tensor4D;
}

type ConvOp = (...inputs: tf.Tensor[]) => tf.Tensor;
const ops = new Map<string, ConvOp>();

function getOp(withBias: boolean, relu: boolean, stride: number): ConvOp {
  const key = `${withBias}|${relu}|${stride}`;
  let op = ops.get(key);
  if (!op) {
    op = makeConv(withBias, relu, stride) as unknown as ConvOp;
    ops.set(key, op);
  }
  return op;
}

/** Padding `[before, after]` of a 'same' convolution along one axis. */
export function samePadding(size: number, k: number, stride: number): [number, number] {
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + k - size, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

function makeConv(withBias: boolean, relu: boolean, stride: number) {
  return tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const x = args[0] as tf.Tensor4D;
    const W = args[1] as tf.Tensor4D;
    const b = withBias ? (args[2] as tf.Tensor1D) : null;
    const save = args[withBias ? 3 : 2] as tf.GradSaveFunc;
    const y = tf.fused.conv2d({ x, filter: W, strides: stride, pad: 'same', bias: b ?? undefined, activation: relu ? 'relu' : 'linear' });
    save(relu ? [x, W, y] : [x, W]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        // free the temporaries (transposed filters, masked dy…) now, not at the end of the backward pass
        tf.tidy(() => {
          const sx = saved[0] as tf.Tensor4D;
          const sW = saved[1] as tf.Tensor4D;
          const dz = (relu ? reluGrad(dy, saved[2]!) : dy) as tf.Tensor4D;
          const native = onTensorFlow();
          const dx = native ? tf.conv2dTranspose(dz, sW, sx.shape, stride, 'same') : convInputGrad(dz, sW, sx.shape, stride);
          const dW = native ? nativeFilterGrad(sx, dz, sW.shape, stride) : convFilterGrad(sx, dz, sW.shape[0], stride);
          return withBias ? [dx, dW, sumRows(tf.reshape(dz, [-1, dz.shape[3]]) as tf.Tensor2D)] : [dx, dW];
        }),
    };
  });
}

/** dx of a 'same' convolution: correlate the zero-dilated dy with the flipped, transposed filter. */
function convInputGrad(
  dy: tf.Tensor4D,
  W: tf.Tensor4D,
  xShape: [number, number, number, number],
  stride: number,
): tf.Tensor4D {
  const [n, h, w] = xShape;
  const k = W.shape[0];
  const cout = W.shape[3];
  // Wf[ky, kx, co, ci] = W[k-1-ky, k-1-kx, ci, co]
  const Wf = k === 1 ? tf.transpose(W, [0, 1, 3, 2]) : tf.transpose(tf.reverse(W, [0, 1]), [0, 1, 3, 2]);
  if (stride === 1) return tf.conv2d(dy, Wf, 1, 'same'); // odd k: symmetric (k-1)/2 padding both ways
  const [pt] = samePadding(h, k, stride);
  const [pl] = samePadding(w, k, stride);
  let d: tf.Tensor4D = dy;
  const [, ho, wo] = dy.shape;
  if (stride > 1) {
    // insert stride-1 zeros after every element along H and W: [n, ho, 1, wo, 1, c] → pad → reshape
    const e = tf.reshape(dy, [n, ho, 1, wo, 1, cout]);
    const p = tf.pad(e, [[0, 0], [0, 0], [0, stride - 1], [0, 0], [0, stride - 1], [0, 0]]);
    d = tf.reshape(p, [n, ho * stride, wo * stride, cout]);
  }
  // d covers dilated rows 0 … (ho-1)·s (+ trailing zeros). dx[i] = Σ_k' d[i + pt - (k-1) + k'] Wf[k'].
  const lenH = d.shape[1];
  const lenW = d.shape[2];
  const top = k - 1 - pt;
  const left = k - 1 - pl;
  const bottom = h - 1 + pt - (lenH - 1);
  const right = w - 1 + pl - (lenW - 1);
  if (top < 0 || left < 0) throw new BalmsInternalError('conv2dSame: internal padding error');
  if (bottom < 0 || right < 0) {
    d = tf.slice(d, [0, 0, 0, 0], [n, lenH + Math.min(bottom, 0), lenW + Math.min(right, 0), cout]);
  }
  const pad: [[number, number], [number, number], [number, number], [number, number]] = [
    [0, 0], [top, Math.max(bottom, 0)], [left, Math.max(right, 0)], [0, 0],
  ];
  if (top === 0 && left === 0 && bottom <= 0 && right <= 0) return tf.conv2d(d, Wf, 1, 'valid');
  return tf.conv2d(tf.pad(d, pad), Wf, 1, 'valid');
}

/** dW of a 'same' convolution by im2col: transpose(patches [M, k·k·Cin]) @ dy [M, Cout]. */
function convFilterGrad(x: tf.Tensor4D, dy: tf.Tensor4D, k: number, stride: number): tf.Tensor4D {
  const [n, h, w, cin] = x.shape;
  const [, ho, wo, cout] = dy.shape;
  const m = n * ho * wo;
  const dy2 = tf.reshape(dy, [m, cout]) as tf.Tensor2D;
  const patches = k === 1 && stride === 1
    ? (tf.reshape(x, [m, cin]) as tf.Tensor2D)
    : im2col(x, k, stride, samePadding(h, k, stride)[0], samePadding(w, k, stride)[0], ho, wo);
  return tf.reshape(matMulTN(patches, dy2), [k, k, cin, cout]);
}

/** dW of a 'same' convolution by TensorFlow's own Conv2DBackpropFilter (tfjs has no public op for it). */
function nativeFilterGrad(x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: [number, number, number, number], stride: number): tf.Tensor4D {
  const attrs = { strides: [stride, stride], pad: 'same', dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape };
  return tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor4D;
}
