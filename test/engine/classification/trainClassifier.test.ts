/**
 * Classification on the one engine, on a tiny synthetic set (8×8 RGB images whose mean colour
 * tells the class, counts 24 / 8 / 3, generated here): stage 1 and stage 2 (BALMS Meta Sampler)
 * interrupted and resumed give byte-identical weights, BN statistics and optimizer state to an
 * uninterrupted run; the final evaluation writes metrics.json and report.html; the tensor count
 * stays flat across a run.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ImageClassificationSet } from '../../../src/data/classification/index.js';
import { loadCheckpoint } from '../../../src/engine/checkpoint.js';
import { buildImageClassifier, classificationDataOf, type ClassificationData } from '../../../src/engine/classification/index.js';
import { trainClassifier } from '../../../src/engine/classification/trainClassifier.js';
import type { ClassificationTrainConfig } from '../../../src/engine/config/classificationConfig.js';
import { resolveAnyTrainConfig } from '../../../src/engine/config/resolveTrainConfig.js';
import { Rng } from '../../../src/util/rng.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const root = mkdtempSync(join(tmpdir(), 'balms-cls-'));
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

const data = (): ClassificationData => classificationDataOf(tinySet([24, 8, 3], 1), tinySet([4, 4, 4], 2), tinySet([5, 5, 5], 3));

function config(name: string, sets: string[] = []): ClassificationTrainConfig {
  return resolveAnyTrainConfig({
    sets: [
      'task=classification', 'backend=cpu', `outputDir=${join(root, name)}`, 'data.root=in-memory', 'data.imagesPerBatch=8',
      'data.augment.cutout=2', 'model.depth=8', 'model.width=1', 'solver.maxIter=6', 'solver.warmupIters=2', 'solver.baseLr=0.05',
      'checkpoint.period=3', 'log.period=1', 'eval.batchSize=5', 'meta.imagesPerBatch=6', ...sets,
    ],
  }) as ClassificationTrainConfig;
}

/** Every tensor of a checkpoint as bytes, by name. */
function ckptBytes(path: string): Map<string, string> {
  const ck = loadCheckpoint(path);
  const out = new Map([...ck.tensors].map(([k, t]) => [k, Buffer.from((t.dataSync() as Float32Array).buffer).toString('hex')]));
  tf.dispose([...ck.tensors.values()]);
  return out;
}

async function uninterruptedAndResumed(name: string, sets: string[] = []): Promise<[Map<string, string>, Map<string, string>]> {
  const quiet = { quiet: true, log: () => {} };
  const a = await trainClassifier(config(`${name}-a`, sets), { ...quiet, data: data() });
  a.model.dispose();
  const b1 = await trainClassifier(config(`${name}-b`, sets), { ...quiet, data: data(), stopAfter: 3, skipEval: true });
  b1.model.dispose();
  expect(b1.finished).toBe(false);
  const b2 = await trainClassifier(config(`${name}-b`, sets), { ...quiet, data: data(), resume: true });
  b2.model.dispose();
  expect(b2.finished).toBe(true);
  return [ckptBytes(a.checkpoint), ckptBytes(b2.checkpoint)];
}

describe('trainClassifier', () => {
  it('stage 1: resume gives byte-identical weights, BN statistics and optimizer state; metrics.json and report.html are written', async () => {
    const before = tf.memory().numTensors;
    const [a, b] = await uninterruptedAndResumed('s1');
    expect(tf.memory().numTensors).toBe(before);
    expect([...a.keys()].some((k) => k.startsWith('optim/'))).toBe(true);
    // the BN running statistics are in the checkpoint, and training moved them from their initial values
    const fresh = buildImageClassifier(config('s1-a'), 3, 3);
    const initial = [...fresh.state()].map(([k, v]) => [`model/${k}`, Buffer.from((v.dataSync() as Float32Array).buffer).toString('hex')] as const);
    fresh.dispose();
    expect(initial.length).toBeGreaterThan(0);
    for (const [k, v0] of initial) expect(a.get(k), k).not.toBe(v0);
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [k, v] of a) expect(b.get(k), k).toBe(v);
    const m = JSON.parse(readFileSync(join(root, 's1-a', 'metrics.json'), 'utf8'));
    expect(m.split).toBe('val');
    expect(m.images).toBe(12);
    expect(m.confusion.flat().reduce((s: number, v: number) => s + v, 0)).toBe(12);
    expect(m.perClass.map((p: { trainCount: number }) => p.trainCount)).toEqual([24, 8, 3]);
    expect(existsSync(join(root, 's1-a', 'report.html'))).toBe(true);
  });

  it('stage 2 BALMS (Meta Sampler on frozen features): resume is byte-identical, the sampler logits move', async () => {
    const init = join(root, 's1-a', 'model_final.ckpt');
    const sets = ['stage2.enabled=true', `stage2.initCheckpoint=${init}`, 'loss.type=balanced_softmax', 'meta.type=meta_sampler', 'meta.lr=0.5'];
    const before = tf.memory().numTensors;
    const [a, b] = await uninterruptedAndResumed('balms', sets);
    expect(tf.memory().numTensors).toBe(before);
    for (const [k, v] of a) expect(b.get(k), k).toBe(v);
    // the backbone and its BN statistics stayed frozen: only the head's kernel and bias differ from stage 1's
    const s1 = ckptBytes(init);
    const model = [...a.keys()].filter((k) => k.startsWith('model/'));
    expect(model.length).toBeGreaterThan(4);
    expect(model.filter((k) => a.get(k) !== s1.get(k))).toHaveLength(2);
    const ck = loadCheckpoint(join(root, 'balms-a', 'model_final.ckpt'));
    tf.dispose([...ck.tensors.values()]);
    const logits = (ck.meta as { meta: { logits: number[] } }).meta.logits;
    expect(logits.some((w) => Math.abs(w) > 1e-3)).toBe(true);
  });

  it('stage 2 refuses a training set other than stage 1\'s', async () => {
    const init = join(root, 's1-a', 'model_final.ckpt');
    const other = classificationDataOf(tinySet([20, 8, 3], 1), null, null);
    await expect(trainClassifier(config('other', ['stage2.enabled=true', `stage2.initCheckpoint=${init}`]), { quiet: true, log: () => {}, data: other })).rejects.toThrow(/stage 1 trained on 24\/8\/3 images per class/);
  });

  it('cRT (class-balanced head retraining) runs with a flat tensor count', async () => {
    const init = join(root, 's1-a', 'model_final.ckpt');
    const before = tf.memory().numTensors;
    const r = await trainClassifier(config('crt', ['stage2.enabled=true', `stage2.initCheckpoint=${init}`, 'sampler.type=class_balanced']), { quiet: true, log: () => {}, data: data() });
    r.model.dispose();
    expect(r.evaluation?.top1).toBeGreaterThanOrEqual(0);
    expect(tf.memory().numTensors).toBe(before);
  });
});
