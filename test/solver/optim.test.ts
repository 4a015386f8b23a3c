import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpoint, saveCheckpoint } from '../../src/engine/checkpoint.js';
import { clipGradientsByGlobalNorm } from '../../src/solver/clipGradients.js';
import { learningRateAt, type LrScheduleConfig } from '../../src/solver/lrSchedule.js';
import { SgdMomentum } from '../../src/solver/sgdMomentum.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const sched: LrScheduleConfig = {
  baseLr: 0.1, schedule: 'multistep', steps: [100, 150], gamma: 0.1, maxIter: 200,
  warmupIters: 10, warmupFactor: 0.001, warmupMethod: 'linear',
};

describe('learningRateAt', () => {
  it('ramps linearly during warm-up and decays at each step (detectron2 WarmupMultiStepLR)', () => {
    expect(learningRateAt(0, sched)).toBeCloseTo(0.1 * 0.001, 12);
    expect(learningRateAt(5, sched)).toBeCloseTo(0.1 * (0.001 * 0.5 + 0.5), 12);
    expect(learningRateAt(10, sched)).toBeCloseTo(0.1, 12);
    expect(learningRateAt(99, sched)).toBeCloseTo(0.1, 12);
    expect(learningRateAt(100, sched)).toBeCloseTo(0.01, 12);
    expect(learningRateAt(150, sched)).toBeCloseTo(0.001, 12);
  });

  it('anneals to zero with the cosine schedule', () => {
    const c = { ...sched, schedule: 'cosine' as const, warmupIters: 0 };
    expect(learningRateAt(0, c)).toBeCloseTo(0.1, 12);
    expect(learningRateAt(100, c)).toBeCloseTo(0.05, 12);
    expect(learningRateAt(200, c)).toBeCloseTo(0, 12);
  });
});

describe('SgdMomentum', () => {
  it('matches the PyTorch SGD update computed by hand (momentum + coupled weight decay)', () => {
    const w = tf.variable(tf.tensor1d([1, -2]), true, 'w');
    const W = tf.variable(tf.tensor2d([[0.5]]), true, 'W');
    const vars = new Map<string, tf.Variable>([['w', w], ['W', W]]);
    const opt = new SgdMomentum({ momentum: 0.9, weightDecay: 0.1, weightDecayBias: 0, nesterov: false });
    const g = { w: tf.tensor1d([0.2, 0.4]), W: tf.tensor2d([[1]]) };
    opt.step(vars, g, 0.5);
    // 1-D w: no decay. v = g; w -= lr*v
    expect(Array.from(w.dataSync())).toEqual([1 - 0.5 * 0.2, -2 - 0.5 * 0.4].map(Math.fround));
    // W: g' = 1 + 0.1*0.5 = 1.05; v = 1.05; W = 0.5 - 0.5*1.05 = -0.025
    expect(W.dataSync()[0]).toBeCloseTo(-0.025, 6);
    opt.step(vars, g, 0.5);
    // second step on W: g' = 1 + 0.1*(-0.025) = 0.9975; v = 0.9*1.05 + 0.9975 = 1.9425; W = -0.025 - 0.97125
    expect(W.dataSync()[0]).toBeCloseTo(-0.025 - 0.5 * 1.9425, 6);
    const state = opt.stateTensors();
    expect([...state.keys()].sort()).toEqual(['W/momentum', 'w/momentum']);
    expect(state.get('W/momentum')!.dataSync()[0]).toBeCloseTo(1.9425, 6);
    opt.dispose();
    tf.dispose([w, W, g.w, g.W]);
  });

  it('keeps the tensor count flat over steps', () => {
    const w = tf.variable(tf.ones([3, 3]), true, 'w2');
    const vars = new Map([['w2', w]]);
    const opt = new SgdMomentum({ momentum: 0.9, weightDecay: 1e-4, weightDecayBias: 1e-4, nesterov: true });
    const g = { w2: tf.ones([3, 3]) };
    opt.step(vars, g, 0.1);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) opt.step(vars, g, 0.1);
    expect(tf.memory().numTensors).toBe(before);
    opt.dispose();
    tf.dispose([w, g.w2]);
  });
});

describe('clipGradientsByGlobalNorm', () => {
  it('scales gradients to the max norm and reports the norm', () => {
    const grads = { a: tf.tensor1d([3, 0]), b: tf.tensor1d([4]) };
    const { grads: out, norm } = clipGradientsByGlobalNorm(grads, 1);
    expect(norm).toBeCloseTo(5, 6);
    expect(out['a']!.dataSync()[0]).toBeCloseTo(0.6, 5);
    expect(out['b']!.dataSync()[0]).toBeCloseTo(0.8, 5);
    tf.dispose(Object.values(out));
    const small = { a: tf.tensor1d([0.1]) };
    const r = clipGradientsByGlobalNorm(small, 1);
    expect(r.grads).toBe(small);
    tf.dispose(small.a);
  });
});

describe('checkpoints', () => {
  it('round-trip tensors and metadata exactly, atomically', () => {
    const dir = mkdtempSync(join(tmpdir(), 'balms-ckpt-'));
    const path = join(dir, 'model.ckpt');
    const a = tf.tensor2d([[1.5, -2.25], [3, 1e-8]]);
    const b = tf.tensor1d([7, -1], 'int32');
    saveCheckpoint(path, { iteration: 12, rng: [1, 2, 3, 4] }, new Map<string, tf.Tensor>([['a', a], ['b', b]]));
    expect(readdirSync(dir)).toEqual(['model.ckpt']);
    const { meta, tensors } = loadCheckpoint(path);
    expect(meta).toEqual({ iteration: 12, rng: [1, 2, 3, 4] });
    expect(Array.from(tensors.get('a')!.dataSync())).toEqual(Array.from(a.dataSync()));
    expect(tensors.get('a')!.shape).toEqual([2, 2]);
    expect(tensors.get('b')!.dtype).toBe('int32');
    expect(Array.from(tensors.get('b')!.dataSync())).toEqual([7, -1]);
    tf.dispose([a, b, ...tensors.values()]);
  });

  it('rejects a file that is not a checkpoint, naming it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'balms-ckpt-'));
    const path = join(dir, 'junk.ckpt');
    writeFileSync(path, 'hello world, not a checkpoint');
    expect(() => loadCheckpoint(path)).toThrow(/junk\.ckpt.*bad magic/);
  });
});
