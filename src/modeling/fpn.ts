/**
 * Feature Pyramid Network (Lin et al. 2017; detectron2 `FPN` without the extra P6): lateral 1×1
 * convs on the chosen backbone stages, a top-down path of 2× nearest upsampling and addition,
 * and a 3×3 output conv per level. Parameters `fpn/lateral<l>/…`, `fpn/output<l>/…` (l = level).
 */
import * as tf from '@tensorflow/tfjs';
import { Conv2d, upsample2x } from './layers.js';
import type { ParameterStore } from './parameterStore.js';

export class Fpn {
  readonly lateral: Conv2d[];
  readonly output: Conv2d[];

  /** @param inChannels channels of each input level, finest first; `levels` their level numbers (stride 2^level) */
  constructor(store: ParameterStore, inChannels: readonly number[], readonly levels: readonly number[], readonly channels: number, prefix = 'fpn') {
    this.lateral = inChannels.map((c, i) => new Conv2d(store, `${prefix}/lateral${levels[i]}`, c, channels, 1));
    this.output = inChannels.map((_, i) => new Conv2d(store, `${prefix}/output${levels[i]}`, channels, channels, 3));
  }

  /** Inputs finest first (each half the size of the previous); outputs P-levels finest first. */
  apply(inputs: readonly tf.Tensor4D[]): tf.Tensor4D[] {
    const n = inputs.length;
    const outs: tf.Tensor4D[] = new Array(n);
    let prev = this.lateral[n - 1]!.apply(inputs[n - 1]!);
    outs[n - 1] = this.output[n - 1]!.apply(prev);
    for (let i = n - 2; i >= 0; i--) {
      const lat = this.lateral[i]!.apply(inputs[i]!);
      let up = upsample2x(prev);
      const [, h, w] = lat.shape;
      if (up.shape[1] !== h || up.shape[2] !== w) up = tf.slice(up, [0, 0, 0, 0], [-1, h, w, -1]);
      prev = tf.add(lat, up) as tf.Tensor4D;
      outs[i] = this.output[i]!.apply(prev);
    }
    return outs;
  }
}
