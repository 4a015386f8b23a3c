/**
 * No tensor leaks across a training run: after `train` (data stream, detector steps, SGD state,
 * checkpoints, metrics) and the detector's disposal, the backend holds exactly the tensors it held
 * before, on each pure-JS backend. A leak of one tensor per step would show as 20 here.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backends/index.js';
import { resolveTrainConfig, train } from '../../src/engine/index.js';
import { tinyTrainOverrides } from '../helpers/tinyTrainConfig.js';

const root = mkdtempSync(join(tmpdir(), 'balms-tensor-count-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('tensor count over a training run', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`${backend}: 20 steps with checkpoints leave no tensor behind`, async () => {
      await initBackend(backend);
      const cfg = resolveTrainConfig({
        overrides: tinyTrainOverrides(join(root, backend), join(root, 'cache'), {
          backend,
          solver: { maxIter: 20, warmupIters: 5, steps: [15] },
          checkpoint: { period: 7 },
          log: { period: 5 },
          model: { roiHeads: { batchSizePerImage: 32 }, rpn: { batchSizePerImage: 32 } },
        }),
      });
      const before = tf.memory().numTensors;
      const r = await train(cfg, { quiet: true, skipEval: true, log: () => {} });
      expect(r.iteration).toBe(20);
      r.detector.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});
