/**
 * Refactors keep behaviour: the tiny detector (stage 1, then stage 2 with the Meta Reweighter and
 * the Meta Sampler) and the tiny classifier (stage 1, then stage 2 with the Gumbel Meta Sampler),
 * trained a few iterations on the cpu backend, give checkpoints whose tensors and meta-learner state
 * hash to the values recorded from the code before the issue-21 moves (meta/, solver/, eval/).
 * A change that alters any weight, optimizer slot or meta-learner logit by one bit fails here.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backends/index.js';
import type { ImageClassificationSet } from '../../src/data/classification/index.js';
import { loadCheckpoint } from '../../src/engine/checkpoint.js';
import { classificationDataOf } from '../../src/engine/classification/index.js';
import { trainClassifier } from '../../src/engine/classification/trainClassifier.js';
import type { ClassificationTrainConfig } from '../../src/engine/config/classificationConfig.js';
import { resolveAnyTrainConfig } from '../../src/engine/config/resolveTrainConfig.js';
import { resolveTrainConfig, train, type JsonObject } from '../../src/engine/index.js';
import { Rng } from '../../src/util/rng.js';
import { tinyTrainOverrides } from '../helpers/tinyTrainConfig.js';

/** Recorded from the code before the moves (commit 9aef4e2). */
const RECORDED = {
  detectionStage1: 'd43bcc0d77bb53845eb6b3862e512e4c9c3d0c52a67f8b7ac466668a13b94074',
  metaReweighter: 'b79cfe889b40b1dc3ea36a0619ae0c2996635a3dd3fb4f0fefb25a69cf498fe6',
  metaSampler: 'be2cfbf6e978b5378b2ace0d011df89e99720c52864002f989e308146d467d12',
  classificationStage1: '7d06294897876c1e780450804d2e270f2c9700a9ae1f0cc363910dc43db95d3e',
  gumbelMetaSampler: 'af15c0520fe9fd657a6042083b670d28ad97c7f99021e18e13b309c57fd505a3',
};

const root = mkdtempSync(join(tmpdir(), 'balms-ckhash-'));
const cacheDir = join(root, 'cache');
const quiet = { quiet: true, skipEval: true, log: () => {} };

/** sha256 over every tensor (name, dtype, shape, bytes, in name order) and the meta learner's state. */
function checkpointHash(path: string): string {
  const ck = loadCheckpoint(path);
  const h = createHash('sha256');
  for (const k of [...ck.tensors.keys()].sort()) {
    const t = ck.tensors.get(k)!;
    const d = t.dataSync();
    h.update(`${k}|${t.dtype}|${t.shape.join('x')}|`);
    h.update(Buffer.from(d.buffer, d.byteOffset, d.byteLength));
  }
  h.update(JSON.stringify(ck.meta['meta'] ?? null));
  tf.dispose([...ck.tensors.values()]);
  return h.digest('hex');
}

async function trainDetection(name: string, extra: JsonObject = {}): Promise<string> {
  const r = await train(resolveTrainConfig({ overrides: tinyTrainOverrides(join(root, name), cacheDir, extra) }), quiet);
  r.detector.dispose();
  return r.checkpoint;
}

const COLOURS = [[200, 40, 40], [40, 200, 40], [40, 40, 200]];
function tinySet(counts: number[], seed: number): ImageClassificationSet {
  const rng = new Rng(seed), n = counts.reduce((a, b) => a + b, 0), size = 8 * 8 * 3;
  const pixels = new Uint8Array(n * size), labels = new Int32Array(n), sources: string[] = [];
  let i = 0;
  counts.forEach((k, c) => {
    for (let j = 0; j < k; j++, i++) {
      labels[i] = c;
      sources.push(`c${c}/${j}.png`);
      for (let p = 0; p < size; p++) pixels[i * size + p] = Math.max(0, Math.min(255, Math.round(COLOURS[c]![p % 3]! + 40 * rng.normal())));
    }
  });
  return { classNames: ['red', 'green', 'blue'], height: 8, width: 8, channels: 3, pixels, labels, sources };
}

async function trainClassification(name: string, sets: string[] = []): Promise<string> {
  const cfg = resolveAnyTrainConfig({
    sets: [
      'task=classification', 'backend=cpu', `outputDir=${join(root, name)}`, 'data.root=in-memory', 'data.imagesPerBatch=8',
      'data.augment.cutout=2', 'model.depth=8', 'model.width=1', 'solver.maxIter=4', 'solver.warmupIters=2', 'solver.baseLr=0.05',
      'log.period=1', 'meta.imagesPerBatch=6', ...sets,
    ],
  }) as ClassificationTrainConfig;
  const data = classificationDataOf(tinySet([24, 8, 3], 1), tinySet([4, 4, 4], 2), tinySet([5, 5, 5], 3));
  const r = await trainClassifier(cfg, { ...quiet, data });
  r.model.dispose();
  return r.checkpoint;
}

beforeAll(async () => {
  await initBackend('cpu');
});

describe('default configs give the recorded checkpoint bytes (cpu)', () => {
  it('detection: stage 1, stage 2 Meta Reweighter, stage 2 Meta Sampler', async () => {
    const s1 = await trainDetection('det-s1');
    const stage2 = (meta: JsonObject): JsonObject => ({
      stage2: { enabled: true, initCheckpoint: s1, trainable: 'classifier' },
      meta,
      solver: { maxIter: 2, warmupIters: 0, steps: [1], baseLr: 0.05 },
      data: { prefetch: 0 },
    });
    const rw = await trainDetection('det-rw', stage2({ type: 'meta_reweighter', lr: 0.05, imagesPerBatch: 2 }));
    const ms = await trainDetection('det-ms', stage2({ type: 'meta_sampler', lr: 0.05, imagesPerBatch: 2, refreshPeriod: 1 }));
    expect({ detectionStage1: checkpointHash(s1), metaReweighter: checkpointHash(rw), metaSampler: checkpointHash(ms) }).toEqual({
      detectionStage1: RECORDED.detectionStage1,
      metaReweighter: RECORDED.metaReweighter,
      metaSampler: RECORDED.metaSampler,
    });
  });

  it('classification: stage 1, stage 2 Gumbel Meta Sampler', async () => {
    const s1 = await trainClassification('cls-s1');
    const ms = await trainClassification('cls-ms', ['stage2.enabled=true', `stage2.initCheckpoint=${s1}`, 'loss.type=balanced_softmax', 'meta.type=meta_sampler', 'meta.lr=0.5']);
    expect({ classificationStage1: checkpointHash(s1), gumbelMetaSampler: checkpointHash(ms) }).toEqual({
      classificationStage1: RECORDED.classificationStage1,
      gumbelMetaSampler: RECORDED.gumbelMetaSampler,
    });
  });
});
