import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/backends/index.js';
import { conv2dSame } from '../../../src/modeling/ops/conv2dSame.js';
import { deconv2x2 } from '../../../src/modeling/ops/deconv2x2.js';
import { dense } from '../../../src/modeling/ops/dense.js';
import { multiLevelRoiAlign } from '../../../src/modeling/ops/multiLevelRoiAlign.js';
import { Rng } from '../../../src/util/rng.js';
import { maxAbsDiff, randn } from './gradCheck.js';
import { TEST_BACKENDS } from '../../helpers/testBackends.js';

/** A small RoI head (pool → conv → deconv, pool → fc) evaluated with gradients for every input. */
function headGrads(v: Float32Array[], boxes: Float32Array): Float32Array[] {
  return tf.tidy(() => {
    const shapes: number[][] = [[1, 16, 16, 8], [1, 8, 8, 8], [3, 3, 8, 8], [8], [2, 2, 4, 8], [4], [2 * 2 * 8, 5], [5]];
    const inputs = v.map((a, i) => tf.tensor(a, shapes[i]));
    const loss = (...t: tf.Tensor[]) => {
      const pooled = multiLevelRoiAlign([t[0] as tf.Tensor4D, t[1] as tf.Tensor4D], boxes, new Int32Array(boxes.length / 4), {
        outputSize: 4, samplingRatio: 0, minLevel: 2, canonicalBox: 40, canonicalLevel: 3,
      });
      const m = deconv2x2(conv2dSame(pooled, t[2] as tf.Tensor4D, t[3] as tf.Tensor1D, { relu: true }), t[4] as tf.Tensor4D, t[5] as tf.Tensor1D);
      const small = tf.slice(pooled, [0, 0, 0, 0], [-1, 2, 2, 8]);
      const fc = dense(tf.reshape(small, [-1, 32]) as tf.Tensor2D, t[6] as tf.Tensor2D, t[7] as tf.Tensor1D, 'relu');
      return tf.add(tf.sum(tf.square(m)), tf.sum(tf.square(fc))) as tf.Scalar;
    };
    const { value, grads } = tf.valueAndGrads(loss)(inputs);
    return [value.dataSync().slice(), ...grads.map((g) => g.dataSync().slice())] as Float32Array[];
  });
}

describe.each(TEST_BACKENDS.filter((b) => b !== 'cpu'))('cpu and %s agree', (backend) => {
  it('on a small RoI head: loss and every gradient', async () => {
    const rng = new Rng(42);
    const sizes = [16 * 16 * 8, 8 * 8 * 8, 9 * 64, 8, 4 * 32, 4, 32 * 5, 5];
    const v = sizes.map((n) => randn(rng, n, 0.5));
    const boxes = new Float32Array([2, 3, 30, 40, -5, 10, 20, 25, 10, 10, 60, 62, 40, 1, 63, 20]);
    await initBackend('cpu');
    const onCpu = headGrads(v, boxes);
    await initBackend(backend);
    const onOther = headGrads(v, boxes);
    for (let i = 0; i < onCpu.length; i++) {
      const scale = Math.max(1, ...Array.from(onCpu[i]!, Math.abs));
      expect(maxAbsDiff(onCpu[i]!, onOther[i]!) / scale).toBeLessThan(1e-5);
      expect(Array.from(onCpu[i]!).some((x) => x !== 0)).toBe(true);
    }
  });
});
