/**
 * The same PyTorch goldens on the native backend (TensorFlow's own kernels through tfjs-node), when
 * it is installed (`balms setup native`); skipped otherwise, required with BALMS_REQUIRE_NATIVE=1.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe } from 'vitest';
import { initBackend } from '../../src/backends/index.js';
import { NATIVE_PRESENT } from '../helpers/testBackends.js';
import { goldenSuite } from './goldenCases.js';

describe.runIf(NATIVE_PRESENT)('native', () => {
  beforeAll(async () => {
    await initBackend('tfjs-node');
    if (tf.getBackend() !== 'tensorflow') throw new Error(`expected tensorflow, got ${tf.getBackend()}`);
  });
  goldenSuite('tfjs-node', ['small', 'medium', 'lvis']);
});
