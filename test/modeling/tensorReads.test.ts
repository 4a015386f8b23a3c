import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backends/index.js';
import { Detector } from '../../src/modeling/detector.js';
import { readAsync, readSync, type TensorReads } from '../../src/modeling/tensorReads.js';
import { renderShapes, softmaxClassifier } from './helpers.js';

beforeAll(async () => {
  await initBackend('cpu');
});

describe('tensor reads written once, driven sync or async', () => {
  it('Detector.predictAsync equals predict exactly and leaks no tensor', async () => {
    const det = new Detector(
      {
        numClasses: 3,
        backbone: { stemChannels: 8, stageChannels: [8, 16, 16], convsPerStage: 1 },
        fpn: { enabled: false },
        anchors: { sizes: [[16, 32]], aspectRatios: [0.5, 1, 2] },
        rpn: { preNmsTopKTest: 100, postNmsTopKTest: 30 },
        roiHeads: { boxHead: { fcDims: [32, 32] }, mask: { convDims: [8], pooledSize: 7 }, scoreThreshold: 0 },
      },
      { classifierLoss: softmaxClassifier, seed: 5 },
    );
    const images = tf.tensor4d(renderShapes(48, 64, [{ polygon: [4, 4, 30, 6, 20, 40], cls: 0, color: [200, 30, 30] }]), [1, 48, 64, 3]);
    const batch = { images, imageSizes: [[48, 64]] as [number, number][] };
    const before = tf.memory().numTensors;
    const sync = det.predict(batch);
    const asyncOut = await det.predictAsync(batch);
    expect(tf.memory().numTensors).toBe(before);
    expect(sync[0]!.scores.length).toBeGreaterThan(0);
    expect(asyncOut).toEqual(sync);
    images.dispose();
    det.dispose();
  });

  it('runs the generator\'s cleanup when a read fails', async () => {
    let cleaned = 0;
    const one = tf.scalar(1);
    function* steps(): TensorReads<number> {
      try {
        const [a] = yield [one];
        return a![0]!;
      } finally {
        cleaned++;
      }
    }
    expect(readSync(steps())).toBe(1);
    const broken = { dataSync: () => { throw new Error('lost context'); }, data: () => Promise.reject(new Error('lost context')) } as unknown as tf.Tensor;
    function* failing(): TensorReads<number> {
      try {
        yield [broken];
        return 0;
      } finally {
        cleaned++;
      }
    }
    expect(() => readSync(failing())).toThrow('lost context');
    await expect(readAsync(failing())).rejects.toThrow('lost context');
    expect(cleaned).toBe(3);
    one.dispose();
  });
});
