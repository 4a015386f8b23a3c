import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { BoxCoder } from '../../src/modeling/boxCoder.js';
import { boxInferenceSingleImage } from '../../src/modeling/roiInference.js';
import { boxRegressionLoss, maskLoss } from '../../src/modeling/roiLosses.js';

describe('boxRegressionLoss', () => {
  const coder = new BoxCoder([10, 10, 5, 5]);
  // RoI 0: fg class 1, proposal [0,0,10,10] → gt [1,0,11,10]: target (10·0.1, 0, 0, 0) = (1, 0, 0, 0)
  // RoI 1: background (class 2 = K), RoI 2: fg class 0, proposal = gt → zero target
  const proposals = new Float32Array([0, 0, 10, 10, 5, 5, 9, 9, 0, 0, 20, 20]);
  const gt = new Float32Array([1, 0, 11, 10, 0, 0, 0, 0, 0, 0, 20, 20]);
  const classes = new Int32Array([1, 2, 0]);
  it('L1 (β = 0) on the ground-truth class columns of foreground RoIs, / number of RoIs', () => {
    // predicted deltas: 0.5 everywhere
    const deltas = tf.fill([3, 8], 0.5) as tf.Tensor2D;
    const l = boxRegressionLoss(deltas, proposals, gt, classes, 2, coder, 0);
    // RoI 0 class 1: |0.5-1| + 3·0.5 = 2; RoI 2 class 0: 4·0.5 = 2 → 4 / 3
    expect(l.dataSync()[0]).toBeCloseTo(4 / 3, 6);
    const sl = boxRegressionLoss(deltas, proposals, gt, classes, 2, coder, 1);
    // smooth-L1 β = 1: 0.5·x² for |x| < 1 → 8 entries of 0.125 = 1 → 1 / 3
    expect(sl.dataSync()[0]).toBeCloseTo(1 / 3, 6);
    tf.dispose([deltas, l, sl]);
  });
  it('class-agnostic regression uses the single box', () => {
    const deltas = tf.zeros([3, 4]) as tf.Tensor2D;
    const l = boxRegressionLoss(deltas, proposals, gt, classes, 2, coder, 0);
    expect(l.dataSync()[0]).toBeCloseTo(1 / 3, 6);
    tf.dispose([deltas, l]);
  });
});

describe('maskLoss', () => {
  it('is the mean binary cross-entropy with logits', () => {
    const x = [2, -1, 0, 3];
    const z = [1, 0, 1, 0];
    const want = x.reduce((s, xi, i) => s - (z[i]! * Math.log(1 / (1 + Math.exp(-xi))) + (1 - z[i]!) * Math.log(1 - 1 / (1 + Math.exp(-xi)))), 0) / 4;
    const l = maskLoss(tf.tensor3d(x, [1, 2, 2]), Float32Array.from(z));
    expect(l.dataSync()[0]).toBeCloseTo(want, 6);
    l.dispose();
  });
});

describe('boxInferenceSingleImage', () => {
  it('thresholds, decodes, clips, runs per-class NMS and keeps the top k', () => {
    const coder = new BoxCoder([10, 10, 5, 5]);
    const proposals = new Float32Array([0, 0, 10, 10, 1, 0, 11, 10, 30, 30, 50, 50]);
    // K = 2 (+ background). RoI 0 and 1 overlap (IoU 0.82).
    const probs = new Float32Array([
      0.7, 0.2, 0.1,
      0.6, 0.3, 0.1,
      0.01, 0.5, 0.49,
    ]);
    const deltas = new Float32Array(3 * 8);
    deltas[2 * 8 + 4] = 10 * 0.5; // RoI 2 class 1 shifted right by half its width: [40,30,60,50] → clipped at 55
    const d = boxInferenceSingleImage(probs, deltas, proposals, 2, [60, 55], coder, 0.05, 0.5, 100);
    // class 0: 0.7 (RoI 0) suppresses 0.6 (RoI 1); 0.01 below threshold. class 1: 0.5, 0.3, 0.2 (IoU of RoIs 0/1 > 0.5 → 0.2 suppressed)
    expect(Array.from(d.scores)).toEqual([0.7, 0.5, 0.3].map(Math.fround));
    expect(Array.from(d.classes)).toEqual([0, 1, 1]);
    expect(Array.from(d.boxes.slice(4, 8))).toEqual([40, 30, 55, 50]);
    const top2 = boxInferenceSingleImage(probs, deltas, proposals, 2, [60, 55], coder, 0.05, 0.5, 2);
    expect(top2.scores.length).toBe(2);
  });
});
