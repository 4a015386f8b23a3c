/**
 * A frozen GraphModel backbone on the one engine (`model.type: "graph"`): the coco-ssd-shaped
 * fixture graph (test/fixtures/cocossd/ssd_fixture, scripts/cocossd/make_fixture.py) with the
 * `coco-ssd` preset trains laterals + RPN + RoI heads through `train`, resumes byte-identically,
 * and predicts through `loadModelFromCheckpoint` + `predictDataset` (the code the built-in
 * detector uses).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backends/index.js';
import { evalCommand } from '../../src/cli/evalCommand.js';
import {
  RUN_FILES,
  loadDetectorFromCheckpoint,
  loadModelFromCheckpoint,
  loadTrainingData,
  predictDataset,
  resolveTrainConfig,
  testTransform,
  train,
  type JsonObject,
  type TrainConfig,
} from '../../src/engine/index.js';
import { BalmsInputError } from '../../src/util/errors.js';
import { checkpointBytes } from '../helpers/checkpointBytes.js';
import { inputErrorOf } from '../helpers/inputErrors.js';
import { runInProcess } from '../helpers/runCli.js';

const fixture = fileURLToPath(new URL('../fixtures/cocossd/ssd_fixture', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'balms-graph-'));
const cacheDir = join(root, 'cache');

function overrides(name: string, model: JsonObject = {}): JsonObject {
  return {
    backend: 'cpu',
    outputDir: join(root, name),
    data: { synth: { enabled: true, seed: 0, categories: 3, trainImages: 8, valImages: 3, size: 64, cacheDir }, imagesPerBatch: 2, prefetch: 1, pixelMean: [0, 0, 0], pixelStd: [1, 1, 1] },
    model: {
      type: 'graph',
      preset: 'coco-ssd',
      modelUrl: fixture,
      featureChannels: 8,
      anchors: { sizes: [[32], [64], [128]] },
      rpn: { preNmsTopKTrain: 100, postNmsTopKTrain: 32, preNmsTopKTest: 100, postNmsTopKTest: 32, batchSizePerImage: 32 },
      graphProposals: { topK: 32, nmsThreshold: 0.7, minScore: 0 },
      roiHeads: { batchSizePerImage: 32, boxHead: { fcDims: [16] }, mask: { convDims: [8], pooledSize: 7 } },
      ...model,
    },
    solver: { maxIter: 4, warmupIters: 1, steps: [3], baseLr: 0.01 },
    log: { period: 1 },
  };
}

function config(name: string, model: JsonObject = {}): TrainConfig {
  return resolveTrainConfig({ overrides: overrides(name, model) });
}

beforeAll(async () => {
  await initBackend('cpu');
});

describe('model.type "graph" config', () => {
  it('rejects knobs the chosen model would ignore, and bad node specs, by key', () => {
    expect(inputErrorOf(() => resolveTrainConfig({ overrides: { model: { modelUrl: fixture } } })).message).toMatch(/model\.modelUrl: is a knob of model\.type "graph"/);
    expect(inputErrorOf(() => config('x', { fpn: { enabled: false } })).message).toMatch(/model\.fpn: is a knob of the built-in detector/);
    expect(inputErrorOf(() => config('x', { preset: '', featureNodes: [] })).message).toMatch(/model\.featureNodes: name at least one feature node/);
    expect(inputErrorOf(() => config('x', { featureNodes: [{ name: 'a', stride: 8 }, { name: 'b', stride: 32 }] })).message).toMatch(/strides must double/);
    expect(inputErrorOf(() => config('x', { preset: '', featureNodes: [{ name: 'a', stride: 8 }], proposals: 'graph' })).message).toMatch(/model\.proposals:/);
    expect(inputErrorOf(() => config('x', { anchors: { sizes: [[32]] } })).message).toMatch(/model\.anchors\.sizes: has 1 levels, the graph's feature nodes 3/);
    expect(inputErrorOf(() => config('x', { modelUrl: 'https://example.invalid/model.json' })).message).toMatch(/only local files/);
  });

  it('a node the graph lacks is named, with near matches', async () => {
    const cfg = config('missing', { featureNodes: [{ name: 'FeatureExtractor/MobilenetV2/nope/Relu6', stride: 8 }], proposals: 'graph', anchors: { sizes: [[32]] } });
    const err = await train(cfg, { quiet: true, skipEval: true, log: () => {} }).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(BalmsInputError);
    expect((err as Error).message).toMatch(/no node 'FeatureExtractor\/MobilenetV2\/nope\/Relu6' \(nodes ending in 'Relu6': /);
  });
});

describe('a frozen graph backbone through train / checkpoint / resume / predict', () => {
  it('trains (laterals, RPN and RoI heads; the graph frozen), resumes byte-identically (with or without the feature cache), and predicts from the checkpoint', async () => {
    // the straight run caches the graph's outputs, the interrupted one does not: the same bytes either way
    const straight = await train(config('straight', { featureCache: 16 }), { quiet: true, skipEval: true, log: () => {} });
    const names = [...straight.detector.variables().keys()];
    expect(names.some((n) => n.startsWith('laterals/0/'))).toBe(true);
    expect(names.some((n) => n.startsWith('rpn/'))).toBe(true);
    expect(names.some((n) => n.startsWith('roi_heads/'))).toBe(true);
    expect(names.every((n) => /^(laterals|rpn|roi_heads)\//.test(n))).toBe(true);
    straight.detector.dispose();
    const first = await train(config('resumed'), { quiet: true, skipEval: true, log: () => {}, stopAfter: 2 });
    first.detector.dispose();
    const second = await train(config('resumed'), { quiet: true, skipEval: true, log: () => {}, resume: true });
    second.detector.dispose();
    expect(second.iteration).toBe(4);
    const a = checkpointBytes(join(root, 'straight', RUN_FILES.last));
    const b = checkpointBytes(join(root, 'resumed', RUN_FILES.last));
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    expect([...a].filter(([k, v]) => !v.equals(b.get(k)!)).map(([k]) => k)).toEqual([]);

    const ckpt = join(root, 'straight', RUN_FILES.last);
    expect(inputErrorOf(() => loadDetectorFromCheckpoint(ckpt)).message).toMatch(/loadModelFromCheckpoint/);
    const atStart = tf.memory().numTensors;
    const loaded = await loadModelFromCheckpoint(ckpt, { scoreThreshold: 0 });
    const data = await loadTrainingData(loaded.config, () => {});
    const val = data.val!;
    const before = tf.memory().numTensors;
    const preds = await predictDataset(loaded.detector, val, { transform: testTransform(loaded.config), categoryIds: loaded.categories.map((c) => c.id), keepPredictions: 1 });
    // all that stays is the feature cache: 3 maps for each of the 3 val images
    expect(tf.memory().numTensors - before).toBe(3 * val.size);
    const again = await predictDataset(loaded.detector, val, { transform: testTransform(loaded.config), categoryIds: loaded.categories.map((c) => c.id) });
    expect(tf.memory().numTensors - before).toBe(3 * val.size);
    expect(again.results).toEqual(preds.results);
    expect(preds.results.length).toBeGreaterThan(0);
    for (const r of preds.results.slice(0, 20)) {
      expect(r.segmentation?.size).toEqual([64, 64]);
      const [x, y, w, h] = r.bbox!;
      expect(x).toBeGreaterThanOrEqual(0);
      expect(y).toBeGreaterThanOrEqual(0);
      expect(x + w).toBeLessThanOrEqual(64 + 1e-3);
      expect(y + h).toBeLessThanOrEqual(64 + 1e-3);
    }
    loaded.detector.dispose();
    expect(tf.memory().numTensors).toBe(atStart);

    // balms eval --checkpoint reads the graph from the stored model.modelUrl
    const ev = await runInProcess(evalCommand, ['--gt', data.valFile!, '--checkpoint', ckpt, '--images', join(data.valFile!, '..', 'val'), '--backend', 'cpu', '--json']);
    expect(ev.code).toBe(0);
    const stats = JSON.parse(ev.stdout) as { bbox: { AP: number } };
    expect(stats.bbox.AP).toBeGreaterThanOrEqual(0);
  }, 240_000);
});
