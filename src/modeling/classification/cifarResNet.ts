/**
 * The CIFAR ResNets of He et al. (2016) as in the official BALMS / classifier-balancing code
 * (`ResNet32Feature`, Idelbayev's implementation): a 3×3 stem conv to 16·width channels with BN and
 * ReLU, three stages of n BasicBlocks with 16, 32 and 64 channels (× width), the first block of stages
 * 2 and 3 at stride 2 with the option-A shortcut, then global average pooling to a 64·width feature.
 * Depth 6n + 2: 8, 14, 20, 32 (the paper's, n = 5), 44, 56, 110. Parameters are
 * `<prefix>/conv1/kernel`, `<prefix>/bn1/…` and `<prefix>/layer<s>/<b>/{conv1,bn1,conv2,bn2}/…`
 * (PyTorch's `layer<s>.<b>.conv1.weight` …).
 */
import * as tf from '@tensorflow/tfjs';
import { BasicBlock } from './basicBlock.js';
import { BatchNorm2d, type BatchNormOptions } from './batchNorm.js';
import { PaddedConv2d } from './paddedConv2d.js';
import { BalmsInputError } from '../../util/errors.js';
import type { ParameterStore } from '../parameterStore.js';

/** Shape of a {@link CifarResNet}. */
export interface CifarResNetOptions {
  /** 6n + 2 with n ≥ 1 (default 32). */
  depth?: number;
  /** Channel multiplier of the 16/32/64 stages, a positive integer (default 1). */
  width?: number;
  /** Input channels (default 3). */
  inChannels?: number;
  /** BatchNorm momentum and eps (PyTorch's 0.1 and 1e-5 by default). */
  batchNorm?: BatchNormOptions;
}

/** Blocks per stage of a depth-`depth` CIFAR ResNet (`(depth − 2) / 6`), or a BalmsInputError. */
export function cifarResNetBlocks(depth: number): number {
  if (!Number.isInteger(depth) || depth < 8 || (depth - 2) % 6 !== 0) {
    throw new BalmsInputError(`CIFAR ResNet depth must be 6n + 2 with n ≥ 1 (8, 14, 20, 32, 44, 56, 110, …), got ${depth}`);
  }
  return (depth - 2) / 6;
}

export class CifarResNet {
  readonly depth: number;
  readonly width: number;
  /** Length of the pooled feature (64 · width). */
  readonly featureDim: number;
  readonly conv1: PaddedConv2d;
  readonly bn1: BatchNorm2d;
  readonly stages: BasicBlock[][];

  constructor(store: ParameterStore, opts: CifarResNetOptions = {}, readonly prefix = 'backbone') {
    this.depth = opts.depth ?? 32;
    this.width = opts.width ?? 1;
    const n = cifarResNetBlocks(this.depth);
    if (!Number.isInteger(this.width) || this.width < 1) throw new BalmsInputError(`CIFAR ResNet width must be a positive integer, got ${this.width}`);
    const inChannels = opts.inChannels ?? 3;
    const bn = opts.batchNorm ?? {};
    const w16 = 16 * this.width;
    this.conv1 = new PaddedConv2d(store, `${prefix}/conv1`, inChannels, w16, 3, 1);
    this.bn1 = new BatchNorm2d(store, `${prefix}/bn1`, w16, bn);
    let c = w16;
    this.stages = [1, 2, 4].map((mult, s) =>
      Array.from({ length: n }, (_, b) => {
        const out = w16 * mult;
        const block = new BasicBlock(store, `${prefix}/layer${s + 1}/${b}`, c, out, s > 0 && b === 0 ? 2 : 1, bn);
        c = out;
        return block;
      }),
    );
    this.featureDim = c;
  }

  /** The last stage's map `[N, H/4, W/4, 64·width]` of a normalised NHWC batch. */
  featureMap(x: tf.Tensor4D, training: boolean): tf.Tensor4D {
    return tf.tidy(() => {
      let y = this.bn1.apply(this.conv1.apply(x), { training, relu: true });
      for (const stage of this.stages) for (const block of stage) y = block.apply(y, training);
      return y;
    });
  }

  /** Globally average-pooled features `[N, 64·width]`. */
  apply(x: tf.Tensor4D, training: boolean): tf.Tensor2D {
    return tf.tidy(() => tf.mean(this.featureMap(x, training), [1, 2]) as tf.Tensor2D);
  }

  /** Every BatchNorm layer, stem first. */
  batchNorms(): BatchNorm2d[] {
    return [this.bn1, ...this.stages.flat().flatMap((b) => b.batchNorms())];
  }
}
