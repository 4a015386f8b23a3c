import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backends/index.js';
import { frPoly } from '../../src/coco/mask/index.js';
import { createClassifierLoss } from '../../src/losses/index.js';
import { BoxHead, BoxPredictor } from '../../src/modeling/boxHead.js';
import { MaskHead } from '../../src/modeling/maskHead.js';
import { ParameterStore } from '../../src/modeling/parameterStore.js';
import { RoIHeads, type FeatureLevel, type InstanceTargets } from '../../src/modeling/roiHeads.js';
import { resolveRoiHeadsConfig, type RoiHeadsConfigInput } from '../../src/modeling/roiHeadsOptions.js';
import { Rng } from '../../src/util/rng.js';
import { inputErrorOf, inputErrorOfAsync } from '../helpers/inputErrors.js';

const classStats = { imageCount: [30, 8, 2], instanceCount: [50, 9, 2], numTrainImages: 40 };
const tiny: RoiHeadsConfigInput = {
  batchSizePerImage: 16,
  pooledSize: 3,
  boxHead: { fcDims: [8, 6] },
  mask: { convDims: [4, 4], pooledSize: 3 },
  scoreThreshold: 0.05,
};
const polys = [[[4, 4, 20, 4, 20, 18, 4, 18]], [[18, 10, 30, 30, 18, 30]]];
const targets: InstanceTargets[] = [
  { boxes: new Float32Array([4, 4, 20, 18, 18, 10, 30, 30]), classes: new Int32Array([0, 2]), polygons: polys },
];
const proposals = [new Float32Array([5, 5, 19, 19, 0, 0, 10, 10, 17, 12, 29, 31, 3, 3, 21, 17])];

function features(c = 4): FeatureLevel[] {
  const rng = new Rng(3);
  return [{ features: tf.tensor4d(Float32Array.from({ length: 8 * 8 * c }, () => rng.normal()), [1, 8, 8, c]), stride: 4 }];
}

describe('RoIHeads: one constructor (options, parts injectable)', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('builds the same parameters on its own seeded store as on a store passed in, and one rule per knob', () => {
    const a = new RoIHeads({ numClasses: 3, inChannels: 4, classStats, config: tiny, seed: 7 });
    const store = new ParameterStore(new Rng(7));
    const b = new RoIHeads({ store, config: resolveRoiHeadsConfig(3, tiny), numClasses: 3, inChannels: 4, classifierLoss: createClassifierLoss({ type: 'balanced_softmax' }, classStats) });
    expect(a.cfg.mask.convDims).toEqual([4, 4]);
    expect(a.cfg.iouThreshold).toBe(0.5); // untouched defaults stay
    const va = a.variables(), vb = b.variables();
    expect(va.map((v) => v.shape)).toEqual(vb.map((v) => v.shape));
    expect(va.length).toBeGreaterThan(6);
    va.forEach((v, i) => expect(v.dataSync()).toEqual(vb[i]!.dataSync()));
    a.dispose();
    b.dispose(); // the passed store is the caller's: still alive
    expect(store.variables().size).toBe(vb.length);
    store.dispose();
    // the range table's rule (detectorConfigRanges.ts), the same as a training config's model.roiHeads
    expect(resolveRoiHeadsConfig(3, { samplingRatio: 0 }).samplingRatio).toBe(0); // adaptive, as detectron2
    expect(inputErrorOf(() => resolveRoiHeadsConfig(3, { iouThreshold: 0 })).message).toBe('config.iouThreshold: must be a number in (0, 1), got 0');
    expect(inputErrorOf(() => resolveRoiHeadsConfig(3, { iouThreshold: 1 })).message).toBe('config.iouThreshold: must be a number in (0, 1), got 1');
  });

  it('uses injected parts and builds only the missing ones (from_config)', () => {
    const parts = new ParameterStore(new Rng(5));
    const boxHead = new BoxHead(parts, 'mine/box_head', 3 * 3 * 4, [5]);
    const maskHead = new MaskHead(parts, 'mine/mask_head', 4, [4], 0, 3);
    const heads = new RoIHeads({ numClasses: 3, inChannels: 4, classStats, config: tiny, boxHead, maskHead, seed: 2 });
    expect(heads.boxHead).toBe(boxHead);
    expect(heads.maskHead).toBe(maskHead);
    // the predictor is built on the head's store from the injected box head's width
    expect(heads.variables().map((v) => v.shape)).toEqual([[5, 4], [4], [5, 12], [12]]);
    const feats = features();
    const l = heads.losses(feats, proposals, targets);
    for (const v of Object.values(l)) expect(Number.isFinite((v as tf.Scalar).dataSync()[0])).toBe(true);
    tf.dispose([...Object.values(l) as tf.Tensor[], ...feats.map((f) => f.features)]);
    const wrong = new BoxPredictor(parts, 'mine/box_predictor', 5, 3, 3);
    expect(inputErrorOf(() => new RoIHeads({ numClasses: 3, inChannels: 4, classStats, config: tiny, boxHead, boxPredictor: wrong })).message).toBe(
      'RoIHeads: boxPredictor gives 3 class logits, the classifier loss needs 4',
    );
    expect(inputErrorOf(() => new RoIHeads({ numClasses: 3, inChannels: 4, classStats, config: { ...tiny, mask: { enabled: false } }, maskHead })).message).toMatch(/maskHead was passed with config\.mask\.enabled false/);
    heads.dispose();
    parts.dispose();
  });

  it('trains with its own rng, and predictAsync returns exactly what predict does', async () => {
    const heads = new RoIHeads({ numClasses: 3, inChannels: 4, classStats, config: tiny, seed: 1 });
    const feats = features();
    const opt = tf.train.sgd(0.05);
    const before = tf.tidy(() => tf.addN(Object.values(heads.losses(feats, proposals, targets, new Rng(0)))).dataSync()[0]!);
    for (let i = 0; i < 20; i++) {
      opt.minimize(() => tf.addN(Object.values(heads.losses(feats, proposals, targets))) as tf.Scalar, false, heads.variables());
    }
    const after = tf.tidy(() => tf.addN(Object.values(heads.losses(feats, proposals, targets, new Rng(0)))).dataSync()[0]!);
    expect(after).toBeLessThan(before);
    const sync = heads.predict(feats, proposals, [[32, 32]]);
    const tensorsBefore = tf.memory().numTensors;
    const async = await heads.predictAsync(feats, proposals, [[32, 32]]);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(async).toEqual(sync);
    expect(sync[0]!.scores.length).toBeGreaterThan(0);
    expect(sync[0]!.masks!.length).toBe(sync[0]!.scores.length * 36);
    // no proposals at all: empty detections, no tensors left behind
    expect(await heads.predictAsync(feats, [new Float32Array(0)], [[32, 32]])).toEqual([
      { boxes: new Float32Array(0), scores: new Float32Array(0), classes: new Int32Array(0), masks: new Float32Array(0), maskSize: 6 },
    ]);
    tf.dispose(feats.map((f) => f.features));
    heads.dispose();
    opt.dispose();
  });

  it('takes masks as RLE (same losses as the same masks as bitmaps)', () => {
    const heads = new RoIHeads({ numClasses: 3, inChannels: 4, classStats, config: tiny, seed: 2 });
    const feats = features();
    const rles = polys.map((p) => frPoly(Float64Array.from(p[0]!), 32, 32));
    const withRle = { ...targets[0]!, polygons: undefined, masks: rles };
    const lossOf = (t: InstanceTargets) => tf.tidy(() => heads.losses(feats, proposals, [t], new Rng(5)).loss_mask!.dataSync()[0]!);
    const rleLoss = lossOf(withRle);
    const polyLoss = lossOf(targets[0]!);
    expect(Number.isFinite(rleLoss)).toBe(true);
    expect(rleLoss).toBeCloseTo(polyLoss, 1); // different rasterisers, nearly the same targets
    tf.dispose(feats.map((f) => f.features));
    heads.dispose();
  });
});

describe('RoIHeads input errors name the argument and what was expected', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });
  const make = (over: Record<string, unknown> = {}) => new RoIHeads({ numClasses: 3, inChannels: 4, classStats, config: tiny, ...over });

  it('in the options', () => {
    expect(inputErrorOf(() => make({ numClasess: 3 })).message).toMatch(/^RoIHeads: unknown option 'numClasess'/);
    expect(inputErrorOf(() => make({ numClasses: 0 })).message).toBe('RoIHeads: numClasses must be a positive integer, got 0');
    expect(inputErrorOf(() => make({ config: { mask: { convDimz: [4] } } })).message).toMatch(/^config\.mask\.convDimz: unknown key \(known keys here: enabled, convDims/);
    expect(inputErrorOf(() => make({ config: { pooledSize: '7' } })).message).toMatch(/config\.pooledSize must be a number/);
    expect(inputErrorOf(() => make({ config: { positiveFraction: 2 } })).message).toBe('config.positiveFraction: must be a number in (0, 1], got 2');
    expect(inputErrorOf(() => make({ classStats: undefined })).message).toMatch(/pass classifierLoss .* or classStats/);
    expect(inputErrorOf(() => make({ classifierLoss: createClassifierLoss({ type: 'softmax' }, classStats) })).message).toMatch(/not both/);
    expect(inputErrorOf(() => make({ classStats: { ...classStats, imageCount: [1, 2] } })).message).toMatch(/classStats\.imageCount has 2 entries, expected numClasses = 3/);
  });

  it('in features, proposals, targets and image sizes', async () => {
    const heads = make();
    const feats = features();
    const wrongC = features(5);
    expect(inputErrorOf(() => heads.losses(wrongC, proposals, targets)).message).toBe(
      'RoIHeads.losses: features[0].features has 5 channels (shape [1,8,8,5]), expected inChannels = 4 (NHWC)',
    );
    expect(inputErrorOf(() => heads.losses([], proposals, targets)).message).toMatch(/features must be a non-empty array/);
    expect(inputErrorOf(() => heads.predict([{ features: feats[0]!.features, stride: 3 }], proposals, [[32, 32]])).message).toMatch(
      /features\[0\]\.stride = 3, expected a power of two/,
    );
    expect(inputErrorOf(() => heads.losses(feats, [new Float32Array(6)], targets)).message).toBe(
      'RoIHeads.losses: proposals[0] has 6 numbers, expected 4 per box ([x1, y1, x2, y2])',
    );
    expect(inputErrorOf(() => heads.losses(feats, [proposals[0]!, proposals[0]!], targets)).message).toMatch(
      /proposals has 2 entries, expected one per image \(1, the features' batch size\)/,
    );
    expect(inputErrorOf(() => heads.predict(feats, [new Float32Array([10, 10, 5, 20])], [[32, 32]])).message).toMatch(
      /proposals\[0\] box 0 = \[10, 10, 5, 20\], expected x2 ≥ x1 and y2 ≥ y1 \(XYXY, not XYWH\)/,
    );
    const badClass = [{ ...targets[0]!, classes: new Int32Array([0, 3]) }];
    expect(inputErrorOf(() => heads.losses(feats, proposals, badClass)).message).toBe(
      'RoIHeads.losses: targets[0].classes[1] = 3, expected a class id in [0, 3)',
    );
    const noMasks = [{ boxes: targets[0]!.boxes, classes: targets[0]!.classes }];
    expect(inputErrorOf(() => heads.losses(feats, proposals, noMasks)).message).toMatch(/targets\[0\] has no masks but the mask head is on/);
    const fewMasks = [{ ...targets[0]!, polygons: [polys[0]!] }];
    expect(inputErrorOf(() => heads.losses(feats, proposals, fewMasks)).message).toMatch(/targets\[0\]\.polygons has 1 entries, expected one per box \(2\)/);
    expect(inputErrorOf(() => heads.predict(feats, proposals, [])).message).toMatch(/imageSizes has 0 entries/);
    expect((await inputErrorOfAsync(heads.predictAsync(wrongC, proposals, [[32, 32]]))).message).toMatch(/^RoIHeads\.predictAsync: features\[0\]/);
    tf.dispose([...feats, ...wrongC].map((f) => f.features));
    heads.dispose();
  });
});
