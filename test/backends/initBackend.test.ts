import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import {
  activeBackend, BackendUnavailableError, initBackend, isBackendPreference, registerTrainingKernels,
} from '../../src/backends/index.js';
import { NATIVE_PRESENT } from '../helpers/testBackends.js';

const AUTO = NATIVE_PRESENT ? 'tfjs-node' : 'wasm';

describe('initBackend', () => {
  it(`auto picks ${AUTO} here (the best installed: tfjs-node when built, else wasm) and is idempotent`, async () => {
    expect(activeBackend()).toBeNull();
    const [a, b] = await Promise.all([initBackend(), initBackend('auto')]);
    expect(a).toBe(AUTO);
    expect(b).toBe(AUTO);
    expect(tf.getBackend()).toBe(NATIVE_PRESENT ? 'tensorflow' : 'wasm');
    expect(await initBackend('wasm')).toBe('wasm');
    expect(activeBackend()).toBe('wasm');
  });

  it('switches to an explicitly requested backend and back', async () => {
    expect(await initBackend('cpu')).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(await initBackend('auto')).toBe('cpu'); // auto keeps what is active
    expect(await initBackend('wasm')).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });

  it('names the missing package when a requested backend is not installed, and keeps the active one', async () => {
    if (!NATIVE_PRESENT) {
      await expect(initBackend('tfjs-node')).rejects.toThrow(BackendUnavailableError);
      await expect(initBackend('tfjs-node')).rejects.toThrow(/not installed \(npx balms setup native\)/);
    }
    await initBackend('wasm');
    await expect(initBackend('tfjs-node-gpu')).rejects.toThrow(/tfjs-node-gpu/);
    expect(tf.getBackend()).toBe('wasm');
    await expect(initBackend('webgpu' as never)).rejects.toThrow(/unknown backend 'webgpu'/);
    expect(isBackendPreference('cpu')).toBe(true);
    expect(isBackendPreference('gpu')).toBe(false);
  });

  it('registers the training kernels once, for cpu and wasm only', async () => {
    await initBackend('wasm');
    const first = registerTrainingKernels();
    expect(first.kernels['wasm']).toEqual(['UnsortedSegmentSum', 'BalmsIm2Col', 'Conv2DBackpropFilter', 'OneHot', 'BatchMatMul', 'BalmsMatMulTN']);
    expect(first.kernels['cpu']).toEqual(['UnsortedSegmentSum', 'BalmsIm2Col', 'Conv2DBackpropFilter']);
    expect(first.gradients).toEqual(expect.arrayContaining(['Greater', 'Less', 'Equal']));
    const mm = tf.getKernel('BatchMatMul', 'wasm');
    const again = registerTrainingKernels();
    expect(again).toEqual(first);
    expect(tf.getKernel('BatchMatMul', 'wasm')).toBe(mm); // not wrapped twice
  });
});
