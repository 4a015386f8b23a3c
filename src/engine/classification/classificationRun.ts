/**
 * A classification run's state, set up from a config: backend, output folder, data, the image
 * classifier (stage 2: the stage-1 weights, the backbone frozen and its features of the training
 * set computed once), loss, optimizer, sampler, augmentation RNG, the Meta Sampler with its
 * class-balanced meta batches; and everything restored from `last.ckpt` on resume.
 * `saveClassificationRun` writes it back (weights, BN running statistics, optimizer state, sampler
 * and RNG states): a resumed run steps exactly as the uninterrupted one.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { initBackend } from '../../backends/index.js';
import { createClassifierLoss, type ClassifierLoss } from '../../losses/index.js';
import { ImageClassifier } from '../../modeling/classification/index.js';
import { GumbelMetaSampler, type MetaLearnerState } from '../../meta/index.js';
import { InstanceBalancedSampler, classBalancedSampler, squareRootSampler, type IndexSampler, type SamplerState } from '../../sampling/index.js';
import { ensureDir, writeFileAtomic } from '../../util/atomicWrite.js';
import { BalmsInputError } from '../../util/errors.js';
import { Rng, type RngState } from '../../util/rng.js';
import { loadCheckpoint, saveCheckpoint } from '../checkpoint.js';
import type { ClassificationTrainConfig } from '../config/classificationConfig.js';
import { MODEL_PREFIX, matchModelWeights } from '../modelWeights.js';
import { OPTIM_PREFIX, optimizerState } from '../runCheckpoint.js';
import { RUN_FILES } from '../runFiles.js';
import { runSeed } from '../runSeeds.js';
import { SgdMomentum } from '../../solver/sgdMomentum.js';
import { metaLossFor } from '../stageTwoMetaLearner.js';
import type { LoopRun } from '../trainLoop.js';
import { classificationStats, loadClassificationData, type ClassificationData } from './classificationData.js';
import { imageFeatures } from './classifierForward.js';

/** Decoupled stage 2: the frozen backbone's features of the training set and the Meta Sampler. */
export interface StageTwoState {
  /** [N, D] eval-mode features of every training image (no augmentation), computed once. */
  features: tf.Tensor2D;
  labels: tf.Tensor1D;
  meta: { sampler: GumbelMetaSampler; batches: IndexSampler; drawRng: Rng } | null;
}

export interface ClassificationRun extends LoopRun {
  readonly cfg: ClassificationTrainConfig;
  readonly outputDir: string;
  readonly backend: string;
  readonly data: ClassificationData;
  readonly model: ImageClassifier;
  readonly loss: ClassifierLoss;
  readonly optimizer: SgdMomentum;
  /** What the step updates, by store name: every variable (stage 1) or the head's two (stage 2). */
  readonly trainable: Map<string, tf.Variable>;
  /** Store names of the head's kernel and bias. */
  readonly head: { weight: string; bias: string };
  readonly sampler: IndexSampler;
  readonly augmentRng: Rng;
  readonly stage2: StageTwoState | null;
  iteration: number;
  readonly resumedFrom: string | null;
  readonly log: (line: string) => void;
}

/** The header of a classification checkpoint. */
export interface ClassificationRunState {
  task: 'classification';
  iteration: number;
  sampler: SamplerState;
  augmentRng: RngState;
  metaBatches: SamplerState | null;
  drawRng: RngState | null;
  meta: MetaLearnerState | null;
  config: ClassificationTrainConfig;
  classNames: string[];
  trainCounts: number[];
  /** Image geometry the model was built for. */
  channels: number;
}

/** The model of a config and data (seeded by `seed`): the helper's CIFAR ResNet. */
export function buildImageClassifier(cfg: ClassificationTrainConfig, numClasses: number, channels: number): ImageClassifier {
  return new ImageClassifier({ numClasses, inChannels: channels, depth: cfg.model.depth, width: cfg.model.width, seed: runSeed(cfg, 'init') });
}

/** Every tensor of the model that a checkpoint holds: trainable variables and BN running statistics, by store name. */
export function modelTensors(model: ImageClassifier): Map<string, tf.Variable> {
  return new Map([...model.variables(), ...model.state()]);
}

function headNames(model: ImageClassifier): { weight: string; bias: string } {
  let weight = '', bias = '';
  for (const [k, v] of model.variables()) {
    if (v === model.head.kernel) weight = k;
    if (v === model.head.bias) bias = k;
  }
  if (!weight || !bias) throw new BalmsInputError('the classifier\'s head variables are not among its variables()');
  return { weight, bias };
}

/** Assigns a checkpoint's `model/` tensors to the model (all of them, or those `keep` accepts); returns what was not assigned. */
export function loadClassifierWeights(model: ImageClassifier, tensors: Map<string, tf.Tensor>, file: string, keep: (name: string) => boolean = () => true): string[] {
  const vars = new Map([...modelTensors(model)].filter(([k]) => keep(k)));
  const picked = new Map([...tensors].filter(([k]) => !k.startsWith(MODEL_PREFIX) || keep(k.slice(MODEL_PREFIX.length))));
  const { values, skipped } = matchModelWeights(vars, picked, { strict: true, file });
  for (const [k, t] of values) vars.get(k)!.assign(t);
  return skipped;
}

function buildSampler(cfg: ClassificationTrainConfig, labels: Int32Array, numClasses: number): IndexSampler {
  const seed = runSeed(cfg, 'sampler');
  const n = labels.length;
  switch (cfg.sampler.type) {
    case 'instance_balanced':
      return new InstanceBalancedSampler(n, { seed });
    case 'class_balanced':
      return classBalancedSampler(labels, { seed, numClasses, epochSize: n });
    case 'square_root':
      return squareRootSampler(labels, { seed, numClasses, epochSize: n });
  }
}

/** Sets up a run per `cfg` (resuming from `<outputDir>/last.ckpt` when asked and present); `data` replaces reading `data.root`. */
export async function openClassificationRun(
  cfg: ClassificationTrainConfig,
  opts: { resume?: boolean; log: (line: string) => void; data?: ClassificationData },
): Promise<ClassificationRun> {
  const { log } = opts;
  const backend = await initBackend(cfg.backend);
  const outputDir = resolve(cfg.outputDir);
  ensureDir(outputDir);
  writeFileAtomic(join(outputDir, RUN_FILES.config), JSON.stringify(cfg, null, 2) + '\n');
  const data = opts.data ?? (await loadClassificationData(cfg, outputDir, log));
  const C = data.classNames.length;
  const loss = createClassifierLoss(cfg.loss, classificationStats(data), { background: false });
  log(`balms train (classification): backend ${backend}, ${data.train.labels.length} training images, ${C} classes, ResNet-${cfg.model.depth}×${cfg.model.width}, loss ${cfg.loss.type}, sampler ${cfg.sampler.type}${cfg.stage2.enabled ? `, stage 2 (head${cfg.meta.type !== 'none' ? ' + Meta Sampler' : ''})` : ''}`);
  const model = buildImageClassifier(cfg, C, data.train.channels);
  const optimizer = new SgdMomentum(cfg.solver);
  let stage2: StageTwoState | null = null;
  try {
    const head = headNames(model);
    const lastPath = join(outputDir, RUN_FILES.last);
    const resumedFrom = opts.resume && existsSync(lastPath) ? lastPath : null;
    if (opts.resume && !resumedFrom) log(`resume: no ${lastPath} yet, starting from iteration 0`);
    if (cfg.stage2.enabled) {
      const init = loadCheckpoint(cfg.stage2.initCheckpoint);
      try {
        const st1 = init.meta as unknown as ClassificationRunState;
        checkSameClasses(st1, data, cfg.stage2.initCheckpoint);
        if (st1.trainCounts.join(',') !== Array.from(data.trainCounts).join(',')) {
          throw new BalmsInputError(`stage 1 trained on ${st1.trainCounts.join('/')} images per class, this run's data has ${Array.from(data.trainCounts).join('/')}: stage 2 retrains on stage 1's training set (same data.* knobs, or data.subsetList)`, { file: cfg.stage2.initCheckpoint });
        }
        // the head is retrained from a fresh initialisation (cRT); the backbone and its BN statistics come from stage 1
        loadClassifierWeights(model, init.tensors, cfg.stage2.initCheckpoint, (k) => k !== head.weight && k !== head.bias);
      } finally {
        tf.dispose([...init.tensors.values()]);
      }
    }
    const trainable = cfg.stage2.enabled
      ? new Map([[head.weight, model.head.kernel], [head.bias, model.head.bias]])
      : model.variables();
    const sampler = buildSampler(cfg, data.train.labels, C);
    const augmentRng = new Rng(runSeed(cfg, 'augment'));
    if (cfg.stage2.enabled) stage2 = openStageTwo(cfg, data, model, loss, log);

    let iteration = 0;
    if (resumedFrom) {
      const ck = loadCheckpoint(resumedFrom);
      try {
        const st = ck.meta as unknown as ClassificationRunState;
        checkSameClasses(st, data, resumedFrom);
        loadClassifierWeights(model, ck.tensors, resumedFrom);
        optimizer.loadState(optimizerState(ck.tensors));
        iteration = st.iteration;
        sampler.setState(st.sampler);
        augmentRng.setState(st.augmentRng);
        if (stage2?.meta) {
          if (!st.meta || !st.metaBatches || !st.drawRng) throw new BalmsInputError('the checkpoint has no Meta Sampler state to resume', { file: resumedFrom });
          stage2.meta.sampler.setState(st.meta);
          stage2.meta.batches.setState(st.metaBatches);
          stage2.meta.drawRng.setState(st.drawRng);
        }
      } finally {
        tf.dispose([...ck.tensors.values()]);
      }
      log(`resumed from ${resumedFrom} at iteration ${iteration}`);
    }
    return { cfg, outputDir, backend, data, model, loss, optimizer, trainable, head, sampler, augmentRng, stage2, iteration, resumedFrom, log };
  } catch (e) {
    if (stage2) tf.dispose([stage2.features, stage2.labels]);
    optimizer.dispose();
    model.dispose();
    throw e;
  }
}

function checkSameClasses(st: ClassificationRunState, data: ClassificationData, file: string): void {
  if (st.task !== 'classification') throw new BalmsInputError('is not a classification checkpoint (task "classification")', { file });
  if (st.classNames.join('\n') !== data.classNames.join('\n')) {
    throw new BalmsInputError(`was trained on other classes (${st.classNames.length}: ${st.classNames.slice(0, 3).join(', ')}…) than the configured data's`, { file });
  }
}

function openStageTwo(cfg: ClassificationTrainConfig, data: ClassificationData, model: ImageClassifier, loss: ClassifierLoss, log: (line: string) => void): StageTwoState {
  const t0 = performance.now();
  const features = imageFeatures(model, data.train, cfg);
  log(`stage 2: features of ${data.train.labels.length} training images (frozen backbone, eval-mode BN, no augmentation) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const labels = tf.tensor1d(data.train.labels, 'int32');
  if (cfg.meta.type === 'none') return { features, labels, meta: null };
  const rowLoss = loss.rowLoss!;
  const sampler = new GumbelMetaSampler({
    labels: data.train.labels,
    numClasses: data.classNames.length,
    initPow: cfg.meta.initPow,
    tau: cfg.meta.tau,
    adam: { lr: cfg.meta.lr },
    trainLoss: (z, y) => rowLoss.call(loss, z, y),
    metaLoss: metaLossFor('softmax'),
  });
  const batches = classBalancedSampler(data.train.labels, { seed: runSeed(cfg, 'metaSampler'), numClasses: data.classNames.length, epochSize: data.train.labels.length });
  return { features, labels, meta: { sampler, batches, drawRng: new Rng(runSeed(cfg, 'metaDraw')) } };
}

/** Writes the run (weights, BN statistics, optimizer state, and what resumes it exactly) to `path`. */
export function saveClassificationRun(run: ClassificationRun, path: string): void {
  const meta = run.stage2?.meta ?? null;
  const state: ClassificationRunState = {
    task: 'classification',
    iteration: run.iteration,
    sampler: run.sampler.getState(),
    augmentRng: run.augmentRng.getState(),
    metaBatches: meta ? meta.batches.getState() : null,
    drawRng: meta ? meta.drawRng.getState() : null,
    meta: meta ? meta.sampler.getState() : null,
    config: run.cfg,
    classNames: run.data.classNames,
    trainCounts: Array.from(run.data.trainCounts),
    channels: run.data.train.channels,
  };
  const tensors = new Map<string, tf.Tensor>();
  for (const [k, v] of modelTensors(run.model)) tensors.set(MODEL_PREFIX + k, v);
  for (const [k, v] of run.optimizer.stateTensors()) tensors.set(OPTIM_PREFIX + k, v);
  saveCheckpoint(path, state as unknown as Record<string, unknown>, tensors);
}

/** Releases the optimizer state and stage 2's features (the model stays with the caller). */
export function closeClassificationRun(run: ClassificationRun): void {
  run.optimizer.dispose();
  if (run.stage2) tf.dispose([run.stage2.features, run.stage2.labels]);
}
