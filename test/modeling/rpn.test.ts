import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backends/index.js';
import { defaultDetectorConfig } from '../../src/modeling/config.js';
import { ParameterStore } from '../../src/modeling/parameterStore.js';
import { Rpn, type RpnOutputs } from '../../src/modeling/rpn.js';
import { Rng } from '../../src/util/rng.js';

beforeAll(async () => {
  await initBackend('wasm');
});

function makeRpn(batchSizePerImage = 256) {
  const cfg = defaultDetectorConfig(2);
  const store = new ParameterStore(new Rng(0));
  const rpn = new Rpn(store, { ...cfg.rpn, batchSizePerImage, preNmsTopKTest: 1000, postNmsTopKTest: 5 }, { sizes: [[8]], aspectRatios: [1], offset: 0.5 }, [8], 4);
  return { rpn, store };
}

describe('Rpn', () => {
  it('has one objectness logit and 4 deltas per anchor and location', () => {
    const { rpn, store } = makeRpn();
    const f = tf.randomNormal([2, 4, 5, 4], 0, 1, 'float32', 1) as tf.Tensor4D;
    const out = rpn.apply([{ features: f, stride: 8 }]);
    expect(out.objectness.shape).toEqual([2, 20]);
    expect(out.deltas.shape).toEqual([2, 20, 4]);
    expect(out.anchors[0]!.length).toBe(80);
    tf.dispose([f, out.objectness, out.deltas]);
    store.dispose();
  });

  it('losses: objectness BCE over the sampled anchors and L1 on positives, normalised by batch·images', () => {
    const { rpn, store } = makeRpn(8);
    // 1 image, 4×4 grid of 8-px anchors centred at 4, 12, 20, 28 (offset 0.5)
    const anchors = rpn.anchorGenerator.level(0, 4, 4);
    const logits = Float32Array.from({ length: 16 }, (_, i) => (i - 8) / 4);
    const out: RpnOutputs = { objectness: tf.tensor2d(logits, [1, 16]), deltas: tf.zeros([1, 16, 4]) as tf.Tensor3D, anchors: [anchors] };
    // GT exactly on anchor (y=1, x=2) → index 6, plus one shifted by half a pixel from anchor 9 (IoU 0.78)
    const gt = new Float32Array([16, 8, 24, 16, 8.5, 16.5, 16.5, 24.5]);
    const l = rpn.losses(out, [gt], new Rng(0));
    const bce = (x: number, z: number) => Math.max(x, 0) - x * z + Math.log1p(Math.exp(-Math.abs(x)));
    // positives: anchors 6 and 9 (2 ≤ 8·0.5); negatives: 6 drawn from the others with IoU < 0.3
    const lossCls = l.loss_rpn_cls!.dataSync()[0]!;
    // bounds: positives' terms are fixed, negatives' are between the smallest and largest candidate terms
    const pos = bce(logits[6]!, 1) + bce(logits[9]!, 1);
    const negTerms = [...Array(16).keys()].filter((i) => i !== 6 && i !== 9).map((i) => bce(logits[i]!, 0)).sort((a, b) => a - b);
    const lo = (pos + negTerms.slice(0, 6).reduce((a, b) => a + b, 0)) / 8;
    const hi = (pos + negTerms.slice(-6).reduce((a, b) => a + b, 0)) / 8;
    expect(lossCls).toBeGreaterThanOrEqual(lo - 1e-6);
    expect(lossCls).toBeLessThanOrEqual(hi + 1e-6);
    // deltas are zero: L1 loss = Σ|target| of the two positives / 8; anchor 6 matches exactly (0)
    const w = 8;
    const t9 = [0.5 / w, 0.5 / w, 0, 0];
    expect(l.loss_rpn_loc!.dataSync()[0]).toBeCloseTo(t9.reduce((a, b) => a + Math.abs(b), 0) / 8, 6);
    tf.dispose([out.objectness, out.deltas, ...Object.values(l)]);
    store.dispose();
  });

  it('proposals: top-scoring anchors decoded, clipped and NMS-ed, best first', () => {
    const { rpn, store } = makeRpn();
    const anchors = rpn.anchorGenerator.level(0, 2, 2); // centres (4,4) (12,4) (4,12) (12,12), 8×8
    const out: RpnOutputs = {
      objectness: tf.tensor2d([0.1, 0.9, 0.5, 0.3], [1, 4]),
      // anchor 1 grows to 16×16 around (12,4) (dw = log 2) → clipped to [4, 0, 16, 12] in a 16×16 image
      deltas: tf.tensor3d([0, 0, 0, 0, 0, 0, Math.log(2), Math.log(2), 0, 0, 0, 0, 0, 0, 0, 0], [1, 4, 4]),
      anchors: [anchors],
    };
    const [p] = rpn.proposals(out, [[16, 16]], false);
    // order by score: 1 (0.9), 2 (0.5), 3 (0.3), 0 (0.1); IoU(box1, anchor3 [8,8,16,16]) = 16/96 < 0.7, none suppressed
    expect(Array.from(p!)).toEqual([4, 0, 16, 12, 0, 8, 8, 16, 8, 8, 16, 16, 0, 0, 8, 8]);
    tf.dispose([out.objectness, out.deltas]);
    store.dispose();
  });
});
