import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backends/index.js';
import { MaskHead } from '../../src/modeling/maskHead.js';
import { deconv2x2 } from '../../src/modeling/ops/deconv2x2.js';
import { ParameterStore } from '../../src/modeling/parameterStore.js';
import { Rng } from '../../src/util/rng.js';
import { maxAbsDiff, randn } from './ops/gradCheck.js';
import { TEST_BACKENDS } from '../helpers/testBackends.js';

describe.each(TEST_BACKENDS)('MaskHead on %s', (backend) => {
  beforeAll(async () => {
    await initBackend(backend);
  });

  it('predicts on the unshuffled deconv output exactly as deconv → per-class 1×1 conv (values and gradients)', () => {
    const store = new ParameterStore(new Rng(4));
    const K = 5, C = 6;
    const head = new MaskHead(store, 'mh', C, [C], 0, K);
    // a predictor far from its tiny init so that every term matters
    head.predictorKernel.assign(tf.tensor2d(randn(new Rng(8), C * K), [C, K]));
    head.predictorBias.assign(tf.tensor1d([0.1, -0.2, 0.3, 0.4, -0.5]));
    const classes = new Int32Array([3, 0, 3]);
    const x = tf.tensor4d(randn(new Rng(9), 3 * 4 * 3 * C), [3, 4, 3, C]);
    // reference: full deconv, all K maps of the 1×1 predictor, then pick each RoI's class
    const reference = (inp: tf.Tensor4D) => {
      const d = deconv2x2(head.convs[0]!.apply(inp, true), head.deconv.kernel as tf.Tensor4D, head.deconv.bias as tf.Tensor1D, { relu: true });
      const all = tf.add(tf.conv2d(d, tf.reshape(head.predictorKernel, [1, 1, C, K]) as tf.Tensor4D, 1, 'valid'), head.predictorBias);
      const pick = tf.tensor4d(Array.from({ length: 3 * K }, (_, i) => (classes[Math.floor(i / K)] === i % K ? 1 : 0)), [3, 1, 1, K]);
      return tf.sum(tf.mul(all, pick), 3) as tf.Tensor3D;
    };
    const ours = head.apply(x, classes);
    const ref = reference(x);
    expect(ours.shape).toEqual([3, 8, 6]);
    expect(maxAbsDiff(ours.dataSync(), ref.dataSync())).toBeLessThan(1e-5);
    const w = tf.tensor3d(randn(new Rng(10), ours.size), [3, 8, 6]);
    const vars = store.select('mh/');
    const g1 = tf.variableGrads(() => tf.sum(tf.mul(head.apply(x, classes), w)) as tf.Scalar, vars).grads;
    const g2 = tf.variableGrads(() => tf.sum(tf.mul(reference(x), w)) as tf.Scalar, vars).grads;
    for (const v of vars) expect(maxAbsDiff(g1[v.name]!.dataSync(), g2[v.name]!.dataSync())).toBeLessThan(1e-4);
    tf.dispose([ours, ref, w, x, ...Object.values(g1), ...Object.values(g2)]);
    store.dispose();
  });
});
