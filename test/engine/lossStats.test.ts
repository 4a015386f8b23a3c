/**
 * Issue 21 point 9: a checkpoint trained with `loss.priorCounts: 'sampled'` is usable (the loss's
 * counts are stored in it), and the run builds its training sampler once.
 */
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { lossClassStats } from '../../src/engine/buildModel.js';
import { resolveTrainConfig } from '../../src/engine/config/resolveTrainConfig.js';
import { loadCheckpoint, loadDetectorFromCheckpoint, RUN_FILES } from '../../src/engine/index.js';
import type { IndexSampler } from '../../src/sampling/index.js';
import { loadLvisCategoryTable } from '../../src/coco/loadLvisCategoryTable.js';
import { runCli } from '../helpers/runCli.js';
import { tinyTrainOverrides } from '../helpers/tinyTrainConfig.js';

const root = mkdtempSync(join(tmpdir(), 'balms-loss-stats-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("loss.priorCounts 'sampled'", () => {
  it("reads the run's own sampler's expected draws (the run builds one sampler, not a second for the loss)", () => {
    const cfg = resolveTrainConfig({ sets: ['loss.priorCounts=sampled'] });
    const imageClasses = [Int32Array.of(0), Int32Array.of(0, 1), Int32Array.of(1)];
    const sampler = { expectedDraws: () => Float64Array.of(1, 3, 0.5) } as unknown as IndexSampler;
    const stats = { imageCount: [2, 2], instanceCount: [2, 2], numTrainImages: 3 };
    // class 0: images 0 (×1) and 1 (×3); class 1: images 1 (×3) and 2 (×0.5); rescaled to 3 draws in all (× 3/4.5)
    const counts = Array.from(lossClassStats(cfg, stats, { imageClasses, sampler }).imageCount);
    expect(counts[0]).toBeCloseTo(4 * (3 / 4.5), 12);
    expect(counts[1]).toBeCloseTo(3.5 * (3 / 4.5), 12);
  });

  it("'lvis_v0.5' takes the full training split's counts for the subset's categories", () => {
    const cfg = resolveTrainConfig({ sets: ['loss.priorCounts=lvis_v0.5'] });
    const stats = { imageCount: [1, 1], instanceCount: [1, 1], numTrainImages: 2 };
    const t = loadLvisCategoryTable('v0.5');
    const got = lossClassStats(cfg, stats, { categories: [{ id: 2, name: 'aerosol_can' }, { id: 1, name: 'acorn' }], lvisTable: loadLvisCategoryTable });
    expect(got.imageCount).toEqual([t.categories[1]!.image_count, t.categories[0]!.image_count]);
    expect(got.numTrainImages).toBe(56740);
  });

  it('stores the counts its loss was built from, and the checkpoint predicts through the CLI', { timeout: 600_000 }, () => {
    const out = join(root, 'run');
    const cache = join(root, 'cache');
    const cfgFile = join(root, 'sampled.json');
    writeFileSync(cfgFile, JSON.stringify(tinyTrainOverrides(out, cache, {
      sampler: { type: 'repeat_factor', repeatThreshold: 0.5, repeatSqrt: true },
      loss: { type: 'balanced_softmax', priorCounts: 'sampled' },
      solver: { maxIter: 2, warmupIters: 1, steps: [1] },
      eval: { period: 0, maxImages: 2 },
    })));
    const tr = runCli(['train', '--config', cfgFile, '--quiet']);
    expect(tr.stderr).not.toMatch(/internal error/);
    expect(tr.code).toBe(0);

    const ck = loadCheckpoint(join(out, RUN_FILES.final));
    const meta = ck.meta as { classStats: { imageCount: number[] }; lossStats: { imageCount: number[] } };
    tf.dispose([...ck.tensors.values()]);
    // under RFS (t 0.5) the sampled counts exceed the dataset's for the repeated rare classes
    expect(meta.lossStats.imageCount.length).toBe(meta.classStats.imageCount.length);
    expect(meta.lossStats.imageCount.some((c, k) => c > meta.classStats.imageCount[k]!)).toBe(true);
    loadDetectorFromCheckpoint(join(out, RUN_FILES.final)).detector.dispose();

    const pred = runCli(['predict', '--checkpoint', join(out, RUN_FILES.final), '--images', findValDir(cache), '--out', join(root, 'pred'), '--backend', 'cpu', '--quiet']);
    expect(pred.stderr).not.toMatch(/internal error/);
    expect(pred.code).toBe(0);
  });
});

function findValDir(cache: string): string {
  const stack = [cache];
  while (stack.length) {
    const d = stack.pop()!;
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) {
        if (e === 'val') return p;
        stack.push(p);
      }
    }
  }
  throw new Error(`no val folder under ${cache}`);
}
