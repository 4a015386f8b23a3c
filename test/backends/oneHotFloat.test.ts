import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backends/index.js';
import { softmaxCrossEntropyLoss } from '../../src/losses/index.js';

async function onBackend<T>(name: 'cpu' | 'wasm', f: () => T): Promise<T> {
  await initBackend(name);
  return f();
}

describe('OneHot on wasm', () => {
  it('honours dtype float32 and on/off values like cpu', async () => {
    const run = () =>
      tf.tidy(() => {
        const y = tf.tensor1d([0, 2, -1, 5, 1], 'int32');
        return [Array.from(tf.oneHot(y, 3, 1, 0, 'float32').dataSync()), Array.from(tf.oneHot(y, 3, 0.9, 0.05, 'float32').dataSync()), Array.from(tf.oneHot(y, 3).dataSync())];
      });
    const cpu = await onBackend('cpu', run);
    const wasm = await onBackend('wasm', run);
    expect(wasm).toEqual(cpu);
    expect(cpu[0]).toEqual([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0]);
  });

  it('gives the same softmax cross-entropy on wasm as on cpu', async () => {
    const logits = [[1, 2, 0.5], [0.1, -1, 3], [2, 2, 2]];
    const run = () => tf.tidy(() => softmaxCrossEntropyLoss(tf.tensor2d(logits), tf.tensor1d([1, 2, 0], 'int32')).dataSync()[0]!);
    const cpu = await onBackend('cpu', run);
    const wasm = await onBackend('wasm', run);
    expect(wasm).toBeCloseTo(cpu, 5);
    expect(cpu).toBeGreaterThan(0.3);
    await initBackend('cpu');
  });
});
