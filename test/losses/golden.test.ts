/**
 * Loss values and logit gradients on the cpu backend against PyTorch float64 goldens of the
 * official formulas (scripts/fixtures/make_loss_fixtures.py); see goldenCases.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll } from 'vitest';
import { goldenSuite } from './goldenCases.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

goldenSuite('cpu', ['small', 'medium', 'lvis']);
