import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backends/index.js';
import type { LvisDataset } from '../../src/coco/types.js';
import { evaluateCoco } from '../../src/eval/index.js';
import { Detector, totalLoss, type TrainingBatch } from '../../src/modeling/detector.js';
import type { DetectorConfigInput } from '../../src/modeling/config.js';
import { toLvisResults } from '../../src/modeling/lvisResults.js';
import { inputErrorOf } from '../helpers/inputErrors.js';
import { polygonBox, renderShapes, softmaxClassifier, type Shape } from './helpers.js';
import { TEST_BACKENDS } from '../helpers/testBackends.js';

const H = 64;
const W = 64;
const shapes: Shape[] = [
  { polygon: [8, 8, 30, 8, 30, 26, 8, 26], cls: 0, color: [220, 40, 40] },
  { polygon: [40, 34, 60, 58, 36, 60], cls: 1, color: [40, 200, 60] },
  { polygon: [10, 40, 26, 36, 30, 54, 14, 60], cls: 2, color: [50, 80, 230] },
];

const smallConfig: DetectorConfigInput = {
  numClasses: 3,
  backbone: { stemChannels: 16, stageChannels: [16, 32, 32], convsPerStage: 1 },
  fpn: { enabled: false },
  anchors: { sizes: [[16, 32]], aspectRatios: [0.5, 1, 2] },
  rpn: { preNmsTopKTrain: 200, postNmsTopKTrain: 64, preNmsTopKTest: 200, postNmsTopKTest: 50, batchSizePerImage: 64 },
  roiHeads: { batchSizePerImage: 64, boxHead: { fcDims: [64, 64] }, mask: { convDims: [16, 16], pooledSize: 7 } },
};

function batchOf(): TrainingBatch {
  return {
    images: tf.tensor4d(renderShapes(H, W, shapes), [1, H, W, 3]),
    targets: [{
      boxes: new Float32Array(shapes.flatMap((s) => polygonBox(s.polygon))),
      classes: Int32Array.from(shapes.map((s) => s.cls)),
      polygons: shapes.map((s) => [s.polygon]),
    }],
  };
}

beforeAll(async () => {
  await initBackend('wasm');
});

describe('Detector', () => {
  it('has stable parameter names, seeded init and named subsets', () => {
    const a = new Detector(smallConfig, { classifierLoss: softmaxClassifier, seed: 3 });
    const b = new Detector(smallConfig, { classifierLoss: softmaxClassifier, seed: 3 });
    const c = new Detector(smallConfig, { classifierLoss: softmaxClassifier, seed: 4 });
    const names = [...a.variables().keys()];
    expect(names.slice(0, 4)).toEqual(['backbone/stem/conv1/kernel', 'backbone/stem/conv1/bias', 'backbone/stage1/conv1/kernel', 'backbone/stage1/conv1/bias']);
    expect(names).toContain('rpn/head/objectness_logits/kernel');
    expect(names).toContain('roi_heads/mask_head/predictor/kernel');
    expect([...b.variables().keys()]).toEqual(names);
    const k = 'backbone/stage2/conv1/kernel';
    expect(Array.from(a.variables().get(k)!.dataSync())).toEqual(Array.from(b.variables().get(k)!.dataSync()));
    expect(Array.from(a.variables().get(k)!.dataSync())).not.toEqual(Array.from(c.variables().get(k)!.dataSync()));
    expect(a.trainableVariables('classifier').map((v) => v.shape)).toEqual([[64, 4], [4]]);
    expect(a.trainableVariables('all').length).toBe(names.length);
    expect(() => a.trainableVariables('nope')).toThrow(/unknown parameter subset/);
    const bs = new Detector(smallConfig, { classStats: { imageCount: [10, 5, 1], instanceCount: [30, 9, 1], numTrainImages: 12 } });
    expect(bs.trainableVariables('classifier')[0]!.shape).toEqual([64, 4]); // Balanced Softmax: K + 1 logits
    bs.dispose();
    expect(() => new Detector(smallConfig, {})).toThrow(/classifierLoss/);
    expect(() => new Detector({ ...smallConfig, anchors: { sizes: [[16], [32]] } }, { classifierLoss: softmaxClassifier })).toThrow(/anchors.sizes/);
    for (const d of [a, b, c]) d.dispose();
  });

  it('stage-2 training of the classifier subset changes only the classifier', () => {
    const det = new Detector(smallConfig, { classifierLoss: softmaxClassifier, seed: 1 });
    const batch = batchOf();
    const before = new Map([...det.variables()].map(([n, v]) => [n, v.dataSync().slice()]));
    const opt = tf.train.sgd(0.1);
    tf.dispose(opt.minimize(() => totalLoss(det.computeLosses(batch)), true, det.trainableVariables('classifier'))!);
    for (const [n, v] of det.variables()) {
      const changed = v.dataSync().some((x, i) => x !== before.get(n)![i]);
      expect(changed, n).toBe(n.startsWith('roi_heads/box_predictor/cls_score/'));
    }
    opt.dispose();
    batch.images.dispose();
    det.dispose();
  });

  it('a bad config is a BalmsInputError naming the key', () => {
    const unknown = inputErrorOf(() => new Detector({ numClasses: 2, fpn: { enabled: true, chanels: 8 } } as unknown as DetectorConfigInput, { classifierLoss: softmaxClassifier }));
    expect(unknown.path).toBe('fpn.chanels');
    const levels = inputErrorOf(() => new Detector({ numClasses: 2, fpn: { enabled: false } }, { classifierLoss: softmaxClassifier }));
    expect(levels.path).toBe('anchors.sizes');
    expect(levels.message).toMatch(/has 4 level(\(s\)|s), the feature pyramid has 1/);
  });

  it('runs with an FPN: multi-level anchors, pooling and finite losses', () => {
    const det = new Detector({
      ...smallConfig,
      fpn: { enabled: true, channels: 16, inStages: [0, 1, 2] },
      anchors: { sizes: [[8], [16], [32]], aspectRatios: [0.5, 1, 2] },
    }, { classifierLoss: softmaxClassifier, seed: 2 });
    expect([...det.variables().keys()]).toContain('fpn/lateral3/kernel');
    expect(det.strides).toEqual([4, 8, 16]);
    const batch = batchOf();
    const losses = det.computeLosses(batch);
    expect(Object.keys(losses).sort()).toEqual(['loss_box_reg', 'loss_cls', 'loss_mask', 'loss_rpn_cls', 'loss_rpn_loc']);
    for (const v of Object.values(losses)) expect(Number.isFinite(v.dataSync()[0]!)).toBe(true);
    const { grads } = tf.variableGrads(() => totalLoss(det.computeLosses(batch)), det.trainableVariables());
    expect(Object.keys(grads).length).toBe(det.variables().size);
    expect(tf.norm(grads[det.variables().get('fpn/lateral2/kernel')!.name]!).dataSync()[0]).toBeGreaterThan(0);
    const preds = det.predict(batch);
    expect(preds[0]!.scores.length).toBeLessThanOrEqual(300);
    tf.dispose([...Object.values(losses), ...Object.values(grads), batch.images]);
    det.dispose();
  });

  it('runs without the mask head and with class-agnostic box regression', () => {
    const det = new Detector({ ...smallConfig, roiHeads: { ...smallConfig.roiHeads, mask: { enabled: false }, clsAgnosticBboxReg: true } }, { classifierLoss: softmaxClassifier });
    expect([...det.variables().keys()].some((n) => n.startsWith('roi_heads/mask_head/'))).toBe(false);
    expect(det.variables().get('roi_heads/box_predictor/bbox_pred/kernel')!.shape).toEqual([64, 4]);
    const batch = batchOf();
    const losses = det.computeLosses(batch);
    expect(Object.keys(losses).sort()).toEqual(['loss_box_reg', 'loss_cls', 'loss_rpn_cls', 'loss_rpn_loc']);
    const [p] = det.predict(batch);
    expect(p!.masks).toBeUndefined();
    expect(toLvisResults(p!, { imageId: 1, imageSize: [H, W] }).every((r) => r.segmentation === undefined)).toBe(true);
    tf.dispose([...Object.values(losses), batch.images]);
    det.dispose();
  });

  it.each(TEST_BACKENDS.filter((b) => b !== 'cpu'))('overfits one 64×64 image to mask AP50 = 1.0, with a flat tensor count, on %s', async (backend) => {
    await initBackend(backend);
    const t0 = Date.now();
    const det = new Detector(smallConfig, { classifierLoss: softmaxClassifier, seed: 1 });
    const batch = batchOf();
    const opt = tf.train.adam(3e-3);
    const vars = det.trainableVariables();
    let count = 0;
    const steps = 100;
    for (let s = 0; s < steps; s++) {
      opt.minimize(() => totalLoss(det.computeLosses(batch)), false, vars);
      if (s === 2) count = tf.memory().numTensors;
    }
    expect(tf.memory().numTensors).toBe(count);
    const preds = det.predict(batch);
    const results = toLvisResults(preds[0]!, { imageId: 7, imageSize: [H, W], categoryIds: [11, 12, 13] });
    expect(results.length).toBeLessThanOrEqual(300);
    for (const r of results) {
      expect(r.image_id).toBe(7);
      expect(r.segmentation!.size).toEqual([H, W]);
      expect(typeof r.segmentation!.counts).toBe('string');
    }
    // mask AP50 through the COCO evaluator of src/eval (pycocotools COCOeval semantics)
    const gt: LvisDataset = {
      images: [{ id: 7, height: H, width: W }],
      categories: shapes.map((s) => ({ id: 11 + s.cls, name: `shape${s.cls}` })),
      annotations: shapes.map((s, i) => {
        const [x1, y1, x2, y2] = polygonBox(s.polygon);
        return { id: i + 1, image_id: 7, category_id: 11 + s.cls, segmentation: [s.polygon], bbox: [x1, y1, x2 - x1, y2 - y1], area: (x2 - x1) * (y2 - y1), iscrowd: 0 };
      }),
    };
    const ev = evaluateCoco(gt, results, { iouType: 'segm', maxDets: [1, 10, 300] });
    for (const c of ev.perCategory) expect(c.numGt, c.name).toBe(1);
    expect(ev.stats.AP50).toBeCloseTo(1, 12); // the mean of 101 ones, summed numpy-style
    const ms = Date.now() - t0;
    console.log(`overfit: ${steps} steps + predict in ${ms} ms (${tf.getBackend()})`);
    opt.dispose();
    batch.images.dispose();
    det.dispose();
  });
});
