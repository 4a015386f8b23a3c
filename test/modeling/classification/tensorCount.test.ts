/** No tensor leaks across training steps (forward, backward, update, running stats) and eval forwards, per backend. */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/backends/index.js';
import { ImageClassifier } from '../../../src/modeling/classification/index.js';
import { TEST_BACKENDS } from '../../helpers/testBackends.js';

describe.each(TEST_BACKENDS)('ImageClassifier tensor count on %s', (backend) => {
  it('stays flat across SGD steps with running-stat updates and eval forwards', async () => {
    await initBackend(backend);
    const m = new ImageClassifier({ numClasses: 4, depth: 8 });
    const x = tf.randomNormal([4, 8, 8, 3], 0, 1, 'float32', 2) as tf.Tensor4D;
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3], 'int32'), 4);
    const opt = tf.train.sgd(0.1);
    const step = () => {
      const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(y, m.logits(x, { training: true })) as tf.Scalar, true, [...m.variables().values()]);
      loss!.dispose();
      expect(m.updateRunningStats()).toBe(7);
      tf.tidy(() => {
        m.logits(x, { training: false }).dataSync();
        m.head.apply(m.features(x, { training: false })).dataSync();
      });
    };
    step();
    const before = tf.memory().numTensors;
    const rm = m.state().get('backbone/bn1/running_mean')!.dataSync().slice();
    step();
    step();
    expect(tf.memory().numTensors).toBe(before);
    expect(m.state().get('backbone/bn1/running_mean')!.dataSync()).not.toEqual(rm);
    // a training forward without a step records stats that discard (or dispose) releases
    tf.tidy(() => {
      m.logits(x, { training: true });
    });
    expect(tf.memory().numTensors).toBe(before + 2 * 7);
    m.discardPendingStats();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
    opt.dispose();
    m.dispose();
  });
});
