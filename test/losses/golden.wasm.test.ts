/**
 * The same PyTorch goldens on the wasm backend (its own Softplus, OneHot, MatMul … kernels).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll } from 'vitest';
import { initBackend } from '../../src/backends/index.js';
import { goldenSuite } from './goldenCases.js';

beforeAll(async () => {
  await initBackend('wasm');
  if (tf.getBackend() !== 'wasm') throw new Error(`expected wasm, got ${tf.getBackend()}`);
});

goldenSuite('wasm', ['small', 'medium', 'lvis']);
