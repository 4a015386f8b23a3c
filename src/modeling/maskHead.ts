/**
 * The Mask R-CNN mask branch (detectron2 `MaskRCNNConvUpsampleHead`): 3×3 convs with ReLU on
 * RoIAlign features, a stride-2 2×2 deconv with ReLU, and a per-class 1×1 predictor. Only the
 * logits of one class per RoI are ever needed (the ground-truth class in training, the
 * predicted one at test time), so the 1×1 predictor is evaluated for that class alone: its
 * weights are selected by a one-hot matMul (differentiable, no gather) and applied as a batched
 * matMul, instead of producing all K maps.
 */
import * as tf from '@tensorflow/tfjs';
import { Conv2d, Deconv2x2 } from './layers.js';
import type { ParameterStore } from './parameterStore.js';
import { matMulT, pixelShuffle2x } from './ops/index.js';
import { BalmsInputError } from '../util/errors.js';

export class MaskHead {
  readonly convs: Conv2d[];
  readonly deconv: Deconv2x2;
  readonly predictorKernel: tf.Variable;
  readonly predictorBias: tf.Variable;

  constructor(
    store: ParameterStore,
    prefix: string,
    inChannels: number,
    convDims: readonly number[],
    deconvDim: number,
    readonly numClasses: number,
  ) {
    this.convs = [];
    let c = inChannels;
    convDims.forEach((out, i) => {
      this.convs.push(new Conv2d(store, `${prefix}/conv${i + 1}`, c, out, 3));
      c = out;
    });
    const d = deconvDim > 0 ? deconvDim : c;
    this.deconv = new Deconv2x2(store, `${prefix}/deconv`, c, d);
    this.predictorKernel = store.create(`${prefix}/predictor/kernel`, [d, numClasses], { kind: 'normal', std: 0.001 });
    this.predictorBias = store.create(`${prefix}/predictor/bias`, [numClasses], { kind: 'zeros' });
  }

  /**
   * Mask logits `[M, 2S, 2S]` of class `classes[m]` for each pooled RoI `[M, S, S, C]`.
   */
  apply(pooled: tf.Tensor4D, classes: Int32Array): tf.Tensor3D {
    const m = pooled.shape[0];
    if (classes.length !== m) throw new BalmsInputError(`MaskHead: ${m} RoIs but ${classes.length} classes`);
    let x = pooled;
    for (const conv of this.convs) x = conv.apply(x, true);
    // the predictor reads the deconv's output before its pixel shuffle; only the [M, h, w, 2, 2]
    // logits are shuffled, not the [M, h, w, 2, 2, C] features (two full-size transposes saved)
    const blocks = this.deconv.applyBlocks(x, true);
    const [, h, w, , , c] = blocks.shape as number[];
    if (m === 0) return tf.zeros([0, 2 * h!, 2 * w!]) as tf.Tensor3D;
    const onehot = tf.oneHot(tf.tensor1d(classes, 'int32'), this.numClasses).toFloat() as tf.Tensor2D;
    const wSel = matMulT(onehot, tf.transpose(this.predictorKernel as tf.Tensor2D)); // [M, C]
    const bSel = matMulT(onehot, tf.reshape(this.predictorBias, [this.numClasses, 1]) as tf.Tensor2D); // [M, 1]
    const logits = tf.matMul(tf.reshape(blocks, [m, h! * w! * 4, c!]) as tf.Tensor3D, tf.reshape(wSel, [m, c!, 1]) as tf.Tensor3D);
    const shuffled = pixelShuffle2x(tf.reshape(logits, [m, h!, w!, 2, 2, 1]));
    return tf.reshape(tf.add(tf.reshape(shuffled, [m, 4 * h! * w!]), bSel), [m, 2 * h!, 2 * w!]) as tf.Tensor3D;
  }
}
