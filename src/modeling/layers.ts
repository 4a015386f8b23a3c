/**
 * The parameterised layers the detector is built from. Each owns named variables in a
 * `ParameterStore` (`<name>/kernel`, `<name>/bias`) and applies the backend-friendly ops of
 * `./ops` (customGrad conv / dense / deconv with fast gradients on cpu and wasm).
 */
import * as tf from '@tensorflow/tfjs';
import { conv2dSame, deconv2x2, deconv2x2Blocks, dense } from './ops/index.js';
import type { Initializer, ParameterStore } from './parameterStore.js';

/** A k×k 'same' convolution, NHWC, kernel `[k, k, Cin, Cout]`, He-normal init and zero bias by default. */
export class Conv2d {
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable;

  constructor(
    store: ParameterStore,
    readonly name: string,
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernelSize: number,
    readonly stride = 1,
    init: Initializer = { kind: 'heNormal', fanIn: kernelSize * kernelSize * inChannels },
  ) {
    this.kernel = store.create(`${name}/kernel`, [kernelSize, kernelSize, inChannels, outChannels], init);
    this.bias = store.create(`${name}/bias`, [outChannels], { kind: 'zeros' });
  }

  apply(x: tf.Tensor4D, relu = false): tf.Tensor4D {
    return conv2dSame(x, this.kernel as tf.Tensor4D, this.bias as tf.Tensor1D, { stride: this.stride, relu });
  }
}

/** A fully connected layer `x @ W + b`, kernel `[In, Out]`. */
export class Linear {
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable;

  constructor(
    store: ParameterStore,
    readonly name: string,
    readonly inFeatures: number,
    readonly outFeatures: number,
    init: Initializer = { kind: 'glorotUniform', fanIn: inFeatures, fanOut: outFeatures },
    biasInit: Initializer = { kind: 'zeros' },
  ) {
    this.kernel = store.create(`${name}/kernel`, [inFeatures, outFeatures], init);
    this.bias = store.create(`${name}/bias`, [outFeatures], biasInit);
  }

  apply(x: tf.Tensor2D, relu = false): tf.Tensor2D {
    return dense(x, this.kernel as tf.Tensor2D, this.bias as tf.Tensor1D, relu ? 'relu' : 'linear');
  }
}

/** A stride-2 2×2 transposed convolution, kernel `[2, 2, Cout, Cin]` (tf.conv2dTranspose layout). */
export class Deconv2x2 {
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable;

  constructor(
    store: ParameterStore,
    readonly name: string,
    readonly inChannels: number,
    readonly outChannels: number,
    init: Initializer = { kind: 'heNormal', fanIn: inChannels },
  ) {
    this.kernel = store.create(`${name}/kernel`, [2, 2, outChannels, inChannels], init);
    this.bias = store.create(`${name}/bias`, [outChannels], { kind: 'zeros' });
  }

  apply(x: tf.Tensor4D, relu = false): tf.Tensor4D {
    return deconv2x2(x, this.kernel as tf.Tensor4D, this.bias as tf.Tensor1D, { relu });
  }

  /** The output before its pixel shuffle, `[N, H, W, 2, 2, Cout]` (see ops/deconv2x2Blocks). */
  applyBlocks(x: tf.Tensor4D, relu = false): tf.Tensor {
    return deconv2x2Blocks(x, this.kernel as tf.Tensor4D, this.bias as tf.Tensor1D, { relu });
  }
}

/** 2× nearest-neighbour upsampling by broadcasting (differentiable everywhere, no resize kernel). */
export function upsample2x(x: tf.Tensor4D): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  return tf.tidy(() => {
    const six = tf.mul(tf.reshape(x, [n, h, 1, w, 1, c]), tf.ones([1, 1, 2, 1, 2, 1]));
    return tf.reshape(six, [n, 2 * h, 2 * w, c]) as tf.Tensor4D;
  });
}

/** Smooth-L1 (detectron2 `smooth_l1_loss`): `|x|` for β < 1e-5, else `0.5x²/β` below β and `|x| − β/2` above. */
export function smoothL1(x: tf.Tensor, beta: number): tf.Tensor {
  return tf.tidy(() => {
    const a = tf.abs(x);
    if (beta < 1e-5) return a;
    const q = tf.minimum(a, beta);
    return tf.add(tf.mul(tf.square(q), 0.5 / beta), tf.sub(a, q));
  });
}
