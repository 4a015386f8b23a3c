import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backends/index.js';
import {
  RUN_FILES,
  loadCheckpoint,
  loadDetectorFromCheckpoint,
  loadTrainingData,
  predictDataset,
  testTransform,
  closeTrainingRun,
  openTrainingRun,
  readMetricsLog,
  resolveTrainConfig,
  runTrainLoop,
  saveCheckpoint,
  train,
  type JsonObject,
  type StepReport,
  type TrainConfig,
} from '../../src/engine/index.js';
import { BalmsInputError } from '../../src/util/errors.js';
import { checkpointBytes } from '../helpers/checkpointBytes.js';
import { tinyTrainOverrides } from '../helpers/tinyTrainConfig.js';

const root = mkdtempSync(join(tmpdir(), 'balms-trainer-'));
const cacheDir = join(root, 'cache');
const CLASSIFIER = 'roi_heads/box_predictor/cls_score/';

function config(name: string, extra: JsonObject = {}): TrainConfig {
  return resolveTrainConfig({ overrides: tinyTrainOverrides(join(root, name), cacheDir, extra) });
}

async function run(cfg: TrainConfig, opts: { stopAfter?: number; resume?: boolean } = {}) {
  const r = await train(cfg, { quiet: true, skipEval: true, log: () => {}, ...opts });
  r.detector.dispose();
  return r;
}

function expectSameTensors(a: Map<string, Buffer>, b: Map<string, Buffer>): void {
  expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
  const differing = [...a].filter(([k, v]) => !v.equals(b.get(k)!)).map(([k]) => k);
  expect(differing).toEqual([]);
}

function metricRecords(dir: string): Record<string, unknown>[] {
  return readMetricsLog(join(dir, RUN_FILES.metrics)).map(({ time: _t, ...rest }) => rest);
}

let stage1: string;

beforeAll(async () => {
  await initBackend('cpu');
  const straight = await run(config('straight'));
  expect(straight.finished).toBe(true);
  stage1 = straight.checkpoint;
});

describe('train: resume and determinism (cpu)', () => {
  it('a run stopped after 3 iterations and resumed to 6 ends with the same weights, optimizer state and metrics as an uninterrupted one', async () => {
    const cfg = config('resumed');
    const first = await run(cfg, { stopAfter: 3 });
    expect(first.finished).toBe(false);
    expect(first.iteration).toBe(3);
    expect(loadCheckpoint(join(cfg.outputDir, RUN_FILES.last)).meta['iteration']).toBe(3);
    const second = await run(cfg, { resume: true });
    expect(second.iteration).toBe(6);
    expect(second.finished).toBe(true);
    const a = checkpointBytes(stage1);
    const b = checkpointBytes(second.checkpoint);
    expect([...a.keys()].some((k) => k.startsWith('optim/'))).toBe(true);
    expectSameTensors(a, b);
    const straightMetrics = metricRecords(join(root, 'straight'));
    expect(straightMetrics.map((r) => r['iteration'])).toEqual([1, 2, 3, 4, 5, 6]);
    expect(metricRecords(cfg.outputDir)).toEqual(straightMetrics);
  });

  it('refuses to resume a checkpoint trained on other categories', async () => {
    const cfg = config('other-categories', { solver: { maxIter: 1 } });
    await run(cfg);
    const last = join(cfg.outputDir, RUN_FILES.last);
    const ck = loadCheckpoint(last);
    const cats = ck.meta['categories'] as { id: number }[];
    saveCheckpoint(last, { ...ck.meta, categories: cats.map((c) => ({ ...c, id: c.id + 100 })) }, ck.tensors);
    tf.dispose([...ck.tensors.values()]);
    await expect(run(resolveTrainConfig({ overrides: tinyTrainOverrides(cfg.outputDir, cacheDir, { solver: { maxIter: 2 } }) }), { resume: true })).rejects.toThrow(/other categories/);
  });

  it('two runs with the same seed give identical weights', async () => {
    const again = await run(config('again'));
    expectSameTensors(checkpointBytes(again.checkpoint), checkpointBytes(stage1));
  });

  it('the checkpoint alone rebuilds the detector: config, categories, class stats and weights', async () => {
    const before = tf.memory().numTensors;
    const loaded = loadDetectorFromCheckpoint(stage1);
    try {
      // inference is repeatable and leaks no tensors
      const data = await loadTrainingData(loaded.config);
      const opts = { transform: testTransform(loaded.config), categoryIds: loaded.categories.map((c) => c.id), maxImages: 2 };
      const p1 = await predictDataset(loaded.detector, data.val!, opts);
      const mid = tf.memory().numTensors;
      const p2 = await predictDataset(loaded.detector, data.val!, opts);
      expect(tf.memory().numTensors).toBe(mid);
      expect(p2.results).toEqual(p1.results);
      expect(p1.results.length).toBeGreaterThan(0);
      expect(loaded.iteration).toBe(6);
      expect(loaded.pixelStats).toEqual({ mean: loaded.config.data.pixelMean, std: loaded.config.data.pixelStd });
      expect(loaded.categories.map((c) => c.id)).toEqual([1, 2, 3, 4]);
      expect(loaded.classStats.imageCount).toHaveLength(4);
      const ck = checkpointBytes(stage1);
      for (const [name, v] of loaded.detector.variables()) {
        const d = v.dataSync();
        expect(Buffer.from(d.buffer, d.byteOffset, d.byteLength).equals(ck.get(`model/${name}`)!)).toBe(true);
      }
    } finally {
      loaded.detector.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(() => loadDetectorFromCheckpoint(join(root, 'straight', RUN_FILES.metrics))).toThrow(BalmsInputError);
  });
});

describe('the training loop and its hooks (cpu)', () => {
  it('a hook sees every step in order, the last one flagged, then afterTrain; the run advances', async () => {
    const run = await openTrainingRun(config('hooks'), { log: () => {} });
    try {
      const seen: StepReport[] = [];
      let end: { finished: boolean } | null = null;
      await runTrainLoop(run, [{ afterStep: (_r, s) => void seen.push(s), afterTrain: (_r, e) => void (end = e) }], 3);
      expect(seen.map((s) => [s.iteration, s.last])).toEqual([[1, false], [2, false], [3, true]]);
      expect(seen.every((s) => Number.isFinite(s.values['total_loss']) && s.lr > 0)).toBe(true);
      expect(run.iteration).toBe(3);
      expect(end).toEqual({ finished: false });
      // nothing but the hooks writes: no checkpoint, no metrics
      expect(readMetricsLog(join(run.outputDir, RUN_FILES.metrics))).toEqual([]);
    } finally {
      run.detector.dispose();
      await closeTrainingRun(run);
    }
  });
});

describe('decoupled stage 2 (cpu)', () => {
  const stage2 = (name: string, meta: JsonObject, extra: JsonObject = {}) =>
    config(name, {
      stage2: { enabled: true, initCheckpoint: stage1, trainable: 'classifier' },
      meta,
      solver: { maxIter: 4, warmupIters: 0, steps: [3], baseLr: 0.05 },
      data: { prefetch: 0 },
      ...extra,
    });

  for (const meta of [
    { type: 'meta_reweighter', lr: 0.05, imagesPerBatch: 2 },
    { type: 'meta_sampler', lr: 0.05, imagesPerBatch: 2, refreshPeriod: 1 },
  ] as JsonObject[]) {
    it(`${meta['type']}: changes only the classifier and resumes exactly`, async () => {
      const straight = await run(stage2(`${meta['type']}-straight`, meta));
      const cfg = stage2(`${meta['type']}-resumed`, meta);
      await run(cfg, { stopAfter: 2 });
      const resumed = await run(cfg, { resume: true });
      const s1 = checkpointBytes(stage1);
      const a = checkpointBytes(straight.checkpoint);
      expectSameTensors(a, checkpointBytes(resumed.checkpoint));
      const model = [...a].filter(([k]) => k.startsWith('model/'));
      const changed = model.filter(([k, v]) => !v.equals(s1.get(k)!)).map(([k]) => k.slice('model/'.length));
      expect(changed.sort()).toEqual([`${CLASSIFIER}bias`, `${CLASSIFIER}kernel`].sort());
      const metrics = metricRecords(cfg.outputDir);
      expect(metrics.map((r) => r['iteration'])).toEqual([1, 2, 3, 4]);
      expect(metrics.every((r) => typeof r['meta_loss'] === 'number' && Number.isFinite(r['meta_loss']))).toBe(true);
      expect(metrics).toEqual(metricRecords(join(root, `${meta['type']}-straight`)));
      const meta4 = loadCheckpoint(resumed.checkpoint).meta as { meta: unknown };
      expect(meta4.meta).not.toBeNull();
    });
  }
});
