import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/backends/index.js';
import { assignFpnLevels } from '../../../src/modeling/ops/assignFpnLevels.js';
import { multiLevelRoiAlign } from '../../../src/modeling/ops/multiLevelRoiAlign.js';
import { roiAlign } from '../../../src/modeling/ops/roiAlign.js';
import { Rng } from '../../../src/util/rng.js';
import { gradCheck, randn } from './gradCheck.js';
import { TEST_BACKENDS } from '../../helpers/testBackends.js';

interface Case {
  name: string;
  features: { shape: [number, number, number, number]; data: number[] };
  boxes: number[];
  batchIdx: number[];
  spatialScale: number;
  outputSize: number;
  samplingRatio: number;
  aligned: boolean;
  output: { shape: number[]; data: number[] };
  dy: number[];
  gradFeatures: number[];
}
const fixture = JSON.parse(readFileSync(new URL('../../fixtures/modeling/roialign.json', import.meta.url), 'utf8')) as {
  cases: Case[];
  fpnLevels: { boxes: number[]; minLevel: number; maxLevel: number; canonicalBox: number; canonicalLevel: number; levels: number[] };
};

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('assignFpnLevels', () => {
  it('matches Detectron2 assign_boxes_to_levels (torch float32) including boundary sizes', () => {
    const f = fixture.fpnLevels;
    const got = assignFpnLevels(new Float32Array(f.boxes), f);
    expect(Array.from(got)).toEqual(f.levels);
  });
});

describe.each(TEST_BACKENDS)('roiAlign on %s', (backend) => {
  beforeAll(async () => {
    await initBackend(backend);
  });

  for (const c of fixture.cases) {
    it(`forward and feature gradient match the Detectron2 kernel port: ${c.name}`, () => {
      const feats = tf.tensor4d(c.features.data, c.features.shape);
      const boxes = new Float32Array(c.boxes);
      const bidx = new Int32Array(c.batchIdx);
      const opts = { outputSize: c.outputSize, spatialScale: c.spatialScale, samplingRatio: c.samplingRatio, aligned: c.aligned };
      const out = roiAlign(feats, boxes, bidx, opts);
      expect(out.shape).toEqual(c.output.shape);
      expect(maxAbsDiff(out.dataSync(), c.output.data)).toBeLessThan(1e-5);
      const dy = tf.tensor(c.dy, out.shape);
      const g = tf.grad((f: tf.Tensor) => tf.sum(tf.mul(roiAlign(f as tf.Tensor4D, boxes, bidx, opts), dy)))(feats);
      expect(maxAbsDiff(g.dataSync(), c.gradFeatures)).toBeLessThan(1e-5);
      tf.dispose([feats, out, dy, g]);
    });
  }

  it('gradient agrees with finite differences', () => {
    const rng = new Rng(7);
    const feats = tf.tensor4d(randn(rng, 2 * 9 * 10 * 3), [2, 9, 10, 3]);
    const boxes = new Float32Array([3, 4, 30, 33, -4, 0, 12, 20, 20.5, 10.25, 39, 35]);
    const bidx = new Int32Array([0, 1, 1]);
    const w = tf.tensor(randn(rng, 3 * 4 * 4 * 3), [3, 4, 4, 3]);
    for (const samplingRatio of [2, 0]) {
      const loss = (f: tf.Tensor) => tf.sum(tf.mul(roiAlign(f as tf.Tensor4D, boxes, bidx, { outputSize: 4, spatialScale: 0.25, samplingRatio }), w)) as tf.Scalar;
      expect(gradCheck(loss, [feats], rng, 16)).toBeLessThan(2e-3);
    }
    tf.dispose([feats, w]);
  });

  it('keeps the tensor count flat over repeated forward/backward calls', () => {
    const feats = tf.variable(tf.randomNormal([1, 8, 8, 4], 0, 1, 'float32', 3));
    const boxes = new Float32Array([0, 0, 20, 24, 4, 4, 16, 9]);
    const bidx = new Int32Array([0, 0]);
    const step = () => tf.tidy(() => tf.variableGrads(() =>
      tf.sum(roiAlign(feats as unknown as tf.Tensor4D, boxes, bidx, { outputSize: 2, spatialScale: 0.5, samplingRatio: 2 })) as tf.Scalar,
    ).grads['' + feats.name]!.clone());
    tf.dispose(step());
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) tf.dispose(step());
    expect(tf.memory().numTensors).toBe(before);
    feats.dispose();
  });

  it('multiLevelRoiAlign pools each box from its FPN level, in box order, with gradients per level', () => {
    const rng = new Rng(11);
    const p2 = tf.tensor4d(randn(rng, 1 * 16 * 16 * 2), [1, 16, 16, 2]);
    const p3 = tf.tensor4d(randn(rng, 1 * 8 * 8 * 2), [1, 8, 8, 2]);
    // √area 20 → level 0 → clamped to 2; 300 → 4 → clamped to 3; 100 → 2; 130 → 3
    const boxes = new Float32Array([2, 3, 22, 23, 0, 0, 300, 300, 5, 5, 105, 105, 0, 0, 130, 130]);
    const levelOf = [2, 3, 2, 3];
    const bidx = new Int32Array(4);
    const opts = { outputSize: 2, samplingRatio: 2, minLevel: 2 };
    expect(Array.from(assignFpnLevels(boxes, { minLevel: 2, maxLevel: 3 }))).toEqual(levelOf);
    const out = multiLevelRoiAlign([p2, p3], boxes, bidx, opts);
    const single = (maps: tf.Tensor4D[], r: number) =>
      roiAlign(maps[levelOf[r]! - 2]!, boxes.slice(r * 4, r * 4 + 4), new Int32Array(1), {
        outputSize: 2, spatialScale: 1 / 2 ** levelOf[r]!, samplingRatio: 2,
      });
    const expected = tf.concat([0, 1, 2, 3].map((r) => single([p2, p3], r)));
    expect(maxAbsDiff(out.dataSync(), expected.dataSync())).toBe(0);
    const w = tf.tensor(randn(rng, out.size), out.shape);
    const [g2, g3] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(multiLevelRoiAlign([a as tf.Tensor4D, b as tf.Tensor4D], boxes, bidx, opts), w)))([p2, p3]);
    const [e2, e3] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(tf.concat([0, 1, 2, 3].map((r) => single([a as tf.Tensor4D, b as tf.Tensor4D], r))), w)))([p2, p3]);
    expect(maxAbsDiff(g2!.dataSync(), e2!.dataSync())).toBeLessThan(1e-6);
    expect(maxAbsDiff(g3!.dataSync(), e3!.dataSync())).toBeLessThan(1e-6);
    expect(tf.sum(tf.abs(g3!)).dataSync()[0]).toBeGreaterThan(0);
    tf.dispose([p2, p3, out, expected, w, g2!, g3!, e2!, e3!]);
  });

  it('rejects bad input with a clear error', () => {
    const f = tf.zeros([1, 4, 4, 1]) as tf.Tensor4D;
    const o = { outputSize: 2, spatialScale: 1, samplingRatio: 0 };
    expect(() => roiAlign(f, new Float32Array(3), new Int32Array(0), o)).toThrow(/multiple of 4/);
    expect(() => roiAlign(f, new Float32Array(4), new Int32Array([1]), o)).toThrow(/batch index 1/);
    expect(() => roiAlign(f, new Float32Array([0, 0, NaN, 1]), new Int32Array([0]), o)).toThrow(/non-finite/);
    f.dispose();
  });
});
