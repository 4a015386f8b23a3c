/**
 * A small from-scratch convolutional backbone: a stride-2 3×3 stem, then stages of 3×3 convs
 * with ReLU whose first conv has stride 2, so stage i outputs stride 2^(i+2) (4, 8, 16, 32).
 * Parameters are `backbone/stem/…` and `backbone/stage<i+1>/conv<j+1>/…`.
 */
import type * as tf from '@tensorflow/tfjs';
import type { BackboneConfig } from './config.js';
import { Conv2d } from './layers.js';
import type { ParameterStore } from './parameterStore.js';

export class Backbone {
  readonly stem: Conv2d;
  readonly stages: Conv2d[][];

  constructor(store: ParameterStore, readonly cfg: BackboneConfig, inChannels = 3, prefix = 'backbone') {
    this.stem = new Conv2d(store, `${prefix}/stem/conv1`, inChannels, cfg.stemChannels, 3, 2);
    let c = cfg.stemChannels;
    this.stages = cfg.stageChannels.map((out, s) => {
      const convs: Conv2d[] = [];
      for (let j = 0; j < Math.max(1, cfg.convsPerStage); j++) {
        convs.push(new Conv2d(store, `${prefix}/stage${s + 1}/conv${j + 1}`, c, out, 3, j === 0 ? 2 : 1));
        c = out;
      }
      return convs;
    });
  }

  /** Stride of stage `i`. */
  static stageStride(i: number): number {
    return 2 ** (i + 2);
  }

  /** Outputs of every stage for a normalised `[N, H, W, 3]` batch. */
  apply(x: tf.Tensor4D): tf.Tensor4D[] {
    let y = this.stem.apply(x, true);
    const outs: tf.Tensor4D[] = [];
    for (const stage of this.stages) {
      for (const conv of stage) y = conv.apply(y, true);
      outs.push(y);
    }
    return outs;
  }
}
