/**
 * The BasicBlock of the CIFAR ResNets: `relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))` with 3×3
 * bias-free convolutions (the first one strided), and the option-A shortcut where the shape changes.
 * Parameters `<name>/conv1/kernel`, `<name>/bn1/…`, `<name>/conv2/kernel`, `<name>/bn2/…`.
 */
import type * as tf from '@tensorflow/tfjs';
import { BatchNorm2d, type BatchNormOptions } from './batchNorm.js';
import { optionAShortcut } from './optionAShortcut.js';
import { PaddedConv2d } from './paddedConv2d.js';
import type { ParameterStore } from '../parameterStore.js';

export class BasicBlock {
  readonly conv1: PaddedConv2d;
  readonly bn1: BatchNorm2d;
  readonly conv2: PaddedConv2d;
  readonly bn2: BatchNorm2d;

  constructor(store: ParameterStore, readonly name: string, readonly inChannels: number, readonly outChannels: number, readonly stride: number, bn: BatchNormOptions = {}) {
    this.conv1 = new PaddedConv2d(store, `${name}/conv1`, inChannels, outChannels, 3, stride);
    this.bn1 = new BatchNorm2d(store, `${name}/bn1`, outChannels, bn);
    this.conv2 = new PaddedConv2d(store, `${name}/conv2`, outChannels, outChannels, 3, 1);
    this.bn2 = new BatchNorm2d(store, `${name}/bn2`, outChannels, bn);
  }

  apply(x: tf.Tensor4D, training: boolean): tf.Tensor4D {
    const h = this.bn1.apply(this.conv1.apply(x), { training, relu: true });
    const identity = this.stride !== 1 || this.inChannels !== this.outChannels ? optionAShortcut(x, this.outChannels) : x;
    return this.bn2.apply(this.conv2.apply(h), { training, relu: true, residual: identity });
  }

  batchNorms(): BatchNorm2d[] {
    return [this.bn1, this.bn2];
  }
}
