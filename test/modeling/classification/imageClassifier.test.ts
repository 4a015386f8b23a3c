import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/backends/index.js';
import { BatchNorm2d, cifarResNetBlocks, ImageClassifier, optionAShortcut } from '../../../src/modeling/classification/index.js';
import { ParameterStore } from '../../../src/modeling/parameterStore.js';
import { BalmsInputError } from '../../../src/util/errors.js';
import { Rng } from '../../../src/util/rng.js';

beforeAll(async () => {
  await initBackend('cpu');
});

describe('optionAShortcut', () => {
  it('keeps rows and columns 0, 2, … and zero-pads channels evenly on both sides', () => {
    // x[n, y, x, c] = 100y + 10x + c
    const x = tf.tidy(() => tf.tensor4d(Array.from({ length: 5 * 5 * 2 }, (_, i) => 100 * Math.floor(i / 10) + 10 * (Math.floor(i / 2) % 5) + (i % 2)), [1, 5, 5, 2]));
    const y = optionAShortcut(x, 6);
    expect(y.shape).toEqual([1, 3, 3, 6]);
    const v = y.arraySync()[0]!;
    expect(v[1]![2]).toEqual([0, 0, 240, 241, 0, 0]);
    expect(v[2]![0]).toEqual([0, 0, 400, 401, 0, 0]);
    tf.dispose([x, y]);
  });

  it('rejects an uneven channel increase', () => {
    const x = tf.zeros([1, 4, 4, 3]) as tf.Tensor4D;
    expect(() => optionAShortcut(x, 6)).toThrow(BalmsInputError);
    x.dispose();
  });
});

describe('BatchNorm2d', () => {
  it('normalises by batch statistics in training and applies PyTorch’s running update afterwards', () => {
    const bn = new BatchNorm2d(new ParameterStore(new Rng(0)), 'bn', 1);
    // one channel, values 1..4: mean 2.5, biased var 1.25, unbiased 5/3
    const x = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
    const y = bn.apply(x, { training: true });
    const s = Math.sqrt(1.25 + 1e-5);
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3, 4].map((v) => expect.closeTo((v - 2.5) / s, 6)));
    expect(bn.runningMean.dataSync()[0]).toBe(0); // not moved by the forward
    expect(bn.updateRunningStats()).toBe(true);
    expect(bn.runningMean.dataSync()[0]).toBeCloseTo(0.25, 6);
    expect(bn.runningVar.dataSync()[0]).toBeCloseTo(0.9 + 0.1 * (5 / 3), 6);
    expect(bn.updateRunningStats()).toBe(false); // nothing recorded since
    const e = bn.apply(x, { training: false, relu: true });
    const rs = Math.sqrt(0.9 + 0.1 * (5 / 3) + 1e-5);
    expect(Array.from(e.dataSync())).toEqual([1, 2, 3, 4].map((v) => expect.closeTo(Math.max(0, (v - 0.25) / rs), 5)));
    tf.dispose([x, y, e]);
  });

  it('needs more than one value per channel in training', () => {
    const bn = new BatchNorm2d(new ParameterStore(new Rng(0)), 'bn', 2);
    const x = tf.zeros([1, 1, 1, 2]) as tf.Tensor4D;
    expect(() => bn.apply(x, { training: true })).toThrow(BalmsInputError);
    x.dispose();
  });
});

describe('ImageClassifier', () => {
  it('checks the depth', () => {
    expect(cifarResNetBlocks(32)).toBe(5);
    expect(cifarResNetBlocks(8)).toBe(1);
    for (const d of [7, 10, 2, 32.5]) expect(() => cifarResNetBlocks(d)).toThrow(BalmsInputError);
    expect(() => new ImageClassifier({ numClasses: 10, width: 0 })).toThrow(BalmsInputError);
  });

  it('has named trainable parameters, BN running stats as state, and features × width', () => {
    const m = new ImageClassifier({ numClasses: 7, depth: 8, width: 2 });
    const vars = m.variables();
    expect([...vars.keys()].slice(0, 3)).toEqual(['backbone/conv1/kernel', 'backbone/bn1/gamma', 'backbone/bn1/beta']);
    expect(vars.get('backbone/layer2/0/conv1/kernel')!.shape).toEqual([3, 3, 32, 64]);
    expect(vars.get('classifier/kernel')!.shape).toEqual([128, 7]);
    expect(m.head.kernel).toBe(vars.get('classifier/kernel'));
    expect(m.head.bias).toBe(vars.get('classifier/bias'));
    expect([...vars.values()].every((v) => v.trainable)).toBe(true);
    const state = m.state();
    expect(state.size).toBe(2 * 7); // 7 BatchNorms in ResNet-8
    expect([...state.keys()].every((k) => /\/(running_mean|running_var)$/.test(k))).toBe(true);
    expect([...state.values()].every((v) => !v.trainable)).toBe(true);
    const x = tf.randomNormal([2, 8, 8, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    const f = m.features(x, { training: false });
    const l = m.logits(x, { training: true });
    expect(f.shape).toEqual([2, 128]);
    expect(l.shape).toEqual([2, 7]);
    const bad = tf.zeros([1, 8, 8, 1]) as tf.Tensor4D;
    expect(() => m.logits(bad, { training: false })).toThrow(BalmsInputError);
    tf.dispose([x, f, l, bad]);
    m.dispose();
  });

  it('draws the same weights from the same seed and different ones from another', () => {
    const a = new ImageClassifier({ numClasses: 3, depth: 8, seed: 5 });
    const b = new ImageClassifier({ numClasses: 3, depth: 8, seed: 5 });
    const c = new ImageClassifier({ numClasses: 3, depth: 8, seed: 6 });
    const k = 'backbone/layer3/0/conv2/kernel';
    const va = a.variables().get(k)!.dataSync();
    expect(b.variables().get(k)!.dataSync()).toEqual(va);
    expect(c.variables().get(k)!.dataSync()).not.toEqual(va);
    // Kaiming normal: std sqrt(2 / fanIn), fanIn = 3·3·64
    let ss = 0;
    for (const v of va) ss += v * v;
    expect(Math.sqrt(ss / va.length)).toBeCloseTo(Math.sqrt(2 / 576), 2);
    for (const m of [a, b, c]) m.dispose();
  });

  it('re-initialises the head alone, reproducibly from a seed', () => {
    const m = new ImageClassifier({ numClasses: 5, depth: 8 });
    const conv = m.variables().get('backbone/conv1/kernel')!.dataSync().slice();
    const k0 = m.head.kernel.dataSync().slice();
    m.head.reinitialize(3);
    const k1 = m.head.kernel.dataSync().slice();
    expect(k1).not.toEqual(k0);
    expect(Math.max(...k1.map(Math.abs), ...m.head.bias.dataSync().map(Math.abs))).toBeLessThanOrEqual(1 / 8);
    m.head.reinitialize(3);
    expect(m.head.kernel.dataSync()).toEqual(k1);
    expect(m.variables().get('backbone/conv1/kernel')!.dataSync()).toEqual(conv);
    m.dispose();
  });
});
