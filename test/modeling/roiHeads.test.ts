import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backends/index.js';
import { defaultDetectorConfig, type RoIHeadsConfig } from '../../src/modeling/config.js';
import { ParameterStore } from '../../src/modeling/parameterStore.js';
import { RoIHeads, type FeatureLevel, type InstanceTargets } from '../../src/modeling/roiHeads.js';
import { roiWeightsFromClassWeights } from '../../src/losses/roiClassWeights.js';
import { TEST_BACKENDS } from '../helpers/testBackends.js';
import { Rng } from '../../src/util/rng.js';
import { softmaxClassifier } from './helpers.js';

function tinyConfig(over: Partial<RoIHeadsConfig> = {}): RoIHeadsConfig {
  const base = defaultDetectorConfig(3).roiHeads;
  return {
    ...base,
    batchSizePerImage: 16,
    pooledSize: 3,
    samplingRatio: 2,
    boxHead: { fcDims: [8, 6] },
    mask: { enabled: true, convDims: [4, 4], pooledSize: 3, deconvDim: 0, lossWeight: 1 },
    smoothL1Beta: 1,
    scoreThreshold: 0.05,
    ...over,
  };
}

const targets: InstanceTargets[] = [
  {
    boxes: new Float32Array([4, 4, 20, 18, 18, 10, 30, 30]),
    classes: new Int32Array([0, 2]),
    polygons: [[[4, 4, 20, 4, 20, 18, 4, 18]], [[18, 10, 30, 30, 18, 30]]],
  },
  { boxes: new Float32Array([2, 16, 14, 30]), classes: new Int32Array([1]), polygons: [[[2, 16, 14, 16, 8, 30]]] },
];
const proposals = [
  new Float32Array([5, 5, 19, 19, 0, 0, 10, 10, 17, 12, 29, 31, 20, 0, 31, 8, 3, 3, 21, 17]),
  new Float32Array([1, 15, 15, 29, 16, 16, 31, 31, 0, 0, 12, 12]),
];

function makeFeatures(seed: number, n = 2, c = 4): FeatureLevel[] {
  const rng = new Rng(seed);
  const data = Float32Array.from({ length: n * 8 * 8 * c }, () => rng.normal());
  return [{ features: tf.tensor4d(data, [n, 8, 8, c]), stride: 4 }];
}

describe.each(TEST_BACKENDS)('RoIHeads on %s', (backend) => {
  beforeAll(async () => {
    await initBackend(backend);
  });

  it('names its parameters and produces finite losses and predictions of the right shape', () => {
    expect(tf.getBackend()).toBe(backend === 'tfjs-node' ? 'tensorflow' : backend);
    const store = new ParameterStore(new Rng(0));
    const heads = new RoIHeads({ store, config: tinyConfig(), numClasses: 3, inChannels: 4, classifierLoss: softmaxClassifier });
    const names = [...store.variables().keys()];
    expect(names).toContain('roi_heads/box_head/fc1/kernel');
    expect(names).toContain('roi_heads/box_predictor/cls_score/kernel');
    expect(names).toContain('roi_heads/mask_head/deconv/kernel');
    expect(store.get('roi_heads/box_predictor/cls_score/kernel').shape).toEqual([6, 4]);
    expect(store.get('roi_heads/box_predictor/bbox_pred/kernel').shape).toEqual([6, 12]);
    expect(store.get('roi_heads/mask_head/predictor/kernel').shape).toEqual([4, 3]);
    const feats = makeFeatures(1);
    const losses = heads.losses(feats, proposals, targets, new Rng(3));
    expect(Object.keys(losses).sort()).toEqual(['loss_box_reg', 'loss_cls', 'loss_mask']);
    for (const v of Object.values(losses)) {
      expect(v.shape).toEqual([]);
      expect(Number.isFinite(v.dataSync()[0]!)).toBe(true);
    }
    // untrained: ~log(4) classification, ~log(2) mask BCE
    expect(losses.loss_cls!.dataSync()[0]).toBeCloseTo(Math.log(4), 1);
    expect(losses.loss_mask!.dataSync()[0]).toBeCloseTo(Math.log(2), 1);
    tf.dispose(Object.values(losses));
    const pooled = heads.pool(feats, proposals[0]!, new Int32Array(5), 3);
    expect(pooled.shape).toEqual([5, 3, 3, 4]);
    pooled.dispose();
    const preds = heads.predict(feats, proposals, [[32, 32], [32, 32]]);
    expect(preds.length).toBe(2);
    for (const p of preds) {
      const d = p.scores.length;
      expect(p.boxes.length).toBe(4 * d);
      expect(p.classes.length).toBe(d);
      expect(p.masks!.length).toBe(d * 36);
      expect(p.maskSize).toBe(6);
      for (let i = 1; i < d; i++) expect(p.scores[i]!).toBeLessThanOrEqual(p.scores[i - 1]!);
      for (const v of p.boxes) expect(v >= 0 && v <= 32).toBe(true);
    }
    tf.dispose(feats.map((f) => f.features));
    store.dispose();
  });

  it('gradients match central finite differences (parameters and features)', () => {
    const store = new ParameterStore(new Rng(5));
    const heads = new RoIHeads({ store, config: tinyConfig(), numClasses: 3, inChannels: 4, classifierLoss: softmaxClassifier });
    // larger predictor init so every term has a sizeable gradient
    for (const name of ['roi_heads/box_predictor/cls_score/kernel', 'roi_heads/box_predictor/bbox_pred/kernel', 'roi_heads/mask_head/predictor/kernel']) {
      const v = store.get(name);
      v.assign(tf.tidy(() => tf.mul(tf.randomNormal(v.shape, 0, 1, 'float32', 9), 0.3)));
    }
    const feats = makeFeatures(2);
    const x = feats[0]!.features;
    const lossOf = (fx: tf.Tensor4D) =>
      tf.tidy(() => tf.addN(Object.values(heads.losses([{ features: fx, stride: 4 }], proposals, targets, new Rng(11)))) as tf.Scalar);
    const checked = ['roi_heads/box_head/fc1/kernel', 'roi_heads/box_predictor/cls_score/bias', 'roi_heads/box_predictor/bbox_pred/kernel', 'roi_heads/mask_head/conv1/kernel', 'roi_heads/mask_head/deconv/kernel', 'roi_heads/mask_head/predictor/kernel'];
    const vars = checked.map((n) => store.get(n));
    const { grads } = tf.variableGrads(() => lossOf(x), vars);
    const gx = tf.grad((fx: tf.Tensor) => lossOf(fx as tf.Tensor4D))(x);
    const eps = 1e-2;
    const rng = new Rng(4);
    let compared = 0;
    for (const v of vars) {
      const g = grads[v.name]!.dataSync();
      const vals = v.dataSync().slice();
      // the entries with the largest gradients plus a random one
      const order = Array.from(g.keys()).sort((a, b) => Math.abs(g[b]!) - Math.abs(g[a]!));
      expect(Math.abs(g[order[0]!]!), `${v.name} has a zero gradient`).toBeGreaterThan(1e-4);
      for (const i of [order[0]!, order[1]!, rng.int(vals.length)]) {
        const at = (delta: number) => {
          const w = vals.slice();
          w[i] = w[i]! + delta;
          v.assign(tf.tensor(w, v.shape));
          const l = lossOf(x);
          const out = l.dataSync()[0]!;
          l.dispose();
          return out;
        };
        const fd = (at(eps) - at(-eps)) / (2 * eps);
        v.assign(tf.tensor(vals, v.shape));
        expect(Math.abs(fd - g[i]!), `${v.name}[${i}] fd ${fd} vs ${g[i]}`).toBeLessThan(2e-3 + 0.05 * Math.abs(fd));
        compared++;
      }
    }
    // features: gradient flows back through RoIAlign
    const gxd = gx.dataSync();
    const xd = x.dataSync().slice();
    const order = Array.from(gxd.keys()).sort((a, b) => Math.abs(gxd[b]!) - Math.abs(gxd[a]!));
    for (const i of order.slice(0, 3)) {
      const at = (delta: number) => {
        const w = xd.slice();
        w[i] = w[i]! + delta;
        const t = tf.tensor4d(w, x.shape);
        const l = lossOf(t);
        const out = l.dataSync()[0]!;
        tf.dispose([l, t]);
        return out;
      };
      const fd = (at(eps) - at(-eps)) / (2 * eps);
      expect(Math.abs(fd - gxd[i]!), `features[${i}] fd ${fd} vs ${gxd[i]}`).toBeLessThan(2e-3 + 0.05 * Math.abs(fd));
      expect(Math.abs(gxd[i]!)).toBeGreaterThan(1e-4);
      compared++;
    }
    expect(compared).toBe(checked.length * 3 + 3);
    tf.dispose([gx, x, ...Object.values(grads)]);
    store.dispose();
  });

  it('keeps the tensor count flat over training steps', () => {
    const store = new ParameterStore(new Rng(1));
    const heads = new RoIHeads({ store, config: tinyConfig(), numClasses: 3, inChannels: 4, classifierLoss: softmaxClassifier });
    const feats = makeFeatures(3);
    const opt = tf.train.adam(1e-2);
    const rng = new Rng(0);
    const step = () => {
      const l = opt.minimize(() => tf.addN(Object.values(heads.losses(feats, proposals, targets, rng))) as tf.Scalar, true);
      const v = l!.dataSync()[0]!;
      l!.dispose();
      return v;
    };
    const first = step();
    step();
    const before = tf.memory().numTensors;
    let last = 0;
    for (let i = 0; i < 20; i++) last = step();
    expect(tf.memory().numTensors).toBe(before);
    expect(last).toBeLessThan(first);
    const p1 = heads.predict(feats, proposals, [[32, 32], [32, 32]]);
    const afterPredict = tf.memory().numTensors;
    heads.predict(feats, proposals, [[32, 32], [32, 32]]);
    expect(tf.memory().numTensors).toBe(afterPredict);
    expect(p1.length).toBe(2);
    opt.dispose();
    tf.dispose(feats.map((f) => f.features));
    store.dispose();
  });

  it('handles images without proposals or ground truth', () => {
    const store = new ParameterStore(new Rng(0));
    const heads = new RoIHeads({ store, config: tinyConfig(), numClasses: 3, inChannels: 4, classifierLoss: softmaxClassifier });
    const feats = makeFeatures(1, 1);
    const empty: InstanceTargets = { boxes: new Float32Array(0), classes: new Int32Array(0), polygons: [] };
    const p = heads.predict(feats, [new Float32Array(0)], [[32, 32]]);
    expect(p[0]!.scores.length).toBe(0);
    expect(p[0]!.masks!.length).toBe(0);
    // only background RoIs: classification loss only
    const l = heads.losses(feats, [new Float32Array([0, 0, 5, 5])], [empty], new Rng(0));
    expect(l.loss_cls!.dataSync()[0]).toBeCloseTo(Math.log(4), 1);
    expect(l.loss_box_reg!.dataSync()[0]).toBe(0);
    expect(l.loss_mask!.dataSync()[0]).toBe(0);
    // nothing at all: exact zeros, still differentiable
    const z = heads.losses(feats, [new Float32Array(0)], [empty], new Rng(0));
    expect(Object.values(z).map((t) => t.dataSync()[0])).toEqual([0, 0, 0]);
    const { grads } = tf.variableGrads(() => tf.addN(Object.values(heads.losses(feats, [new Float32Array(0)], [empty], new Rng(0)))) as tf.Scalar);
    expect(Object.keys(grads).length).toBeGreaterThan(0);
    tf.dispose([...Object.values(l), ...Object.values(z), ...Object.values(grads), feats[0]!.features]);
    store.dispose();
  });

  it('class weights (Meta Reweighter) average 1 over foreground RoIs and are differentiable', () => {
    const cw = tf.tensor1d([1, 2, 4]);
    const w = roiWeightsFromClassWeights(cw, new Int32Array([0, 1, 3, 2, 3]));
    // fg weights 1, 2, 4 → mean 7/3 → 3/7, 6/7, 12/7; background 1
    const got = Array.from(w.dataSync());
    [3 / 7, 6 / 7, 1, 12 / 7, 1].forEach((v, i) => expect(got[i]).toBeCloseTo(v, 6));
    const store = new ParameterStore(new Rng(0));
    const heads = new RoIHeads({ store, config: tinyConfig(), numClasses: 3, inChannels: 4, classifierLoss: softmaxClassifier });
    const feats = makeFeatures(1);
    const plain = heads.losses(feats, proposals, targets, new Rng(3)).loss_cls!.dataSync()[0]!;
    const ones = heads.losses(feats, proposals, targets, new Rng(3), { classWeights: tf.ones([3]) as tf.Tensor1D }).loss_cls!.dataSync()[0]!;
    expect(ones).toBeCloseTo(plain, 6);
    const g = tf.grad((c: tf.Tensor) => heads.losses(feats, proposals, targets, new Rng(3), { classWeights: c as tf.Tensor1D }).loss_cls!)(cw);
    expect(Array.from(g.dataSync()).some((v) => Math.abs(v) > 1e-5)).toBe(true);
    tf.dispose([cw, w, g, feats[0]!.features]);
    store.dispose();
  });
});
