/** installTrainingKernels changes a backend's kernels only until its disposer runs (this file never calls initBackend). */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, installedTrainingKernels, installTrainingKernels } from '../../src/backends/index.js';
import { IM2COL } from '../../src/backends/kernels/im2colKernel.js';
import { BalmsInputError } from '../../src/util/errors.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function filterGradient(): Float32Array {
  return tf.tidy(() => {
    const x = tf.tensor4d(Float32Array.from({ length: 2 * 5 * 5 * 3 }, (_, i) => Math.sin(i)), [2, 5, 5, 3]);
    const dy = tf.tensor4d(Float32Array.from({ length: 2 * 5 * 5 * 4 }, (_, i) => Math.cos(i)), [2, 5, 5, 4]);
    const w = tf.zeros([3, 3, 3, 4]) as tf.Tensor4D;
    // the filter gradient of Σ conv(x, w)·dy runs the Conv2DBackpropFilter kernel
    return tf.grad((f: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x, f as tf.Tensor4D, 1, 'same'), dy)))(w).dataSync() as Float32Array;
  });
}

describe('installTrainingKernels', () => {
  it("initBackend(…, { trainingKernels: false }) leaves tfjs's kernels alone", async () => {
    expect(await initBackend('cpu', { trainingKernels: false })).toBe('cpu');
    expect(tf.getKernel(IM2COL, 'cpu')).toBeUndefined();
    expect(installedTrainingKernels('cpu')).toEqual([]);
  });

  it('replaces the cpu kernels, nests, and its last disposer puts the built-in kernels and gradients back', () => {
    const own = { filter: tf.getKernel('Conv2DBackpropFilter', 'cpu'), segmentSum: tf.getKernel('UnsortedSegmentSum', 'cpu') };
    expect(own.filter).toBeDefined();
    expect(tf.getKernel(IM2COL, 'cpu')).toBeUndefined();
    expect(tf.getGradient('Greater')).toBeUndefined();
    const reference = filterGradient();

    const dispose = installTrainingKernels('cpu');
    expect(tf.getKernel('Conv2DBackpropFilter', 'cpu')).not.toBe(own.filter);
    expect(tf.getKernel('UnsortedSegmentSum', 'cpu')).not.toBe(own.segmentSum);
    expect(tf.getKernel(IM2COL, 'cpu')).toBeDefined();
    expect(tf.getGradient('Greater')).toBeDefined();
    expect(installedTrainingKernels('cpu').sort()).toEqual([IM2COL, 'Conv2DBackpropFilter', 'UnsortedSegmentSum'].sort());
    const installed = filterGradient();
    installed.forEach((v, i) => expect(Math.abs(v - reference[i]!)).toBeLessThan(1e-4));

    const inner = installTrainingKernels('cpu');
    inner();
    inner(); // a disposer runs once
    expect(tf.getKernel(IM2COL, 'cpu')).toBeDefined(); // still held by the outer install

    dispose();
    expect(tf.getKernel('Conv2DBackpropFilter', 'cpu')).toBe(own.filter);
    expect(tf.getKernel('UnsortedSegmentSum', 'cpu')).toBe(own.segmentSum);
    expect(tf.getKernel(IM2COL, 'cpu')).toBeUndefined();
    expect(tf.getGradient('Greater')).toBeUndefined();
    expect(installedTrainingKernels('cpu')).toEqual([]);
    expect(Array.from(filterGradient())).toEqual(Array.from(reference));
  });

  it('refuses a backend it has no kernels for', () => {
    expect(() => installTrainingKernels('webgl' as 'cpu')).toThrow(BalmsInputError);
  });
});
