/**
 * A training run's state, set up from a config: backend, output folder, data, model (with the
 * stage-1 weights in stage 2), optimizer, samplers and their batch streams, the meta learner, and
 * everything restored from `last.ckpt` on resume. `saveRun` writes it back; the loop
 * (`trainLoop.ts`) and its hooks read and advance it.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { initBackend } from '../backends/index.js';
import { loadLvisCategoryTable } from '../coco/loadLvisCategoryTable.js';
import type { ClassStats, ClassifierLoss } from '../losses/index.js';
import { TRAINABLE_SUBSETS, type DetectorModel } from '../modeling/index.js';
import { ensureDir } from '../util/atomicWrite.js';
import { writeJsonFileAtomic } from '../util/writeJsonAtomic.js';
import { BalmsInputError } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import { TrainingBatchStream } from './batchStream.js';
import { buildModel } from './buildModel.js';
import { loadConfigBackbone } from './loadConfigBackbone.js';
import { buildMetaSampler, buildTrainSampler } from './buildSampler.js';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import type { TrainConfig } from './config/trainConfig.js';
import { trainTransform } from './exampleTransforms.js';
import { sizeDivisibility } from './predictImages.js';
import { checkpointCategories, checkpointTensors, loadModelWeights, optimizerState, type RunState } from './runCheckpoint.js';
import { RUN_FILES } from './runFiles.js';
import { runSeed } from './runSeeds.js';
import { SgdMomentum } from '../solver/sgdMomentum.js';
import { createMetaLearner, type StageTwoMetaLearner } from './stageTwoMetaLearner.js';
import { loadTrainingData, type TrainingData } from './trainingData.js';

export interface TrainingRun {
  readonly cfg: TrainConfig;
  readonly outputDir: string;
  readonly backend: string;
  readonly data: TrainingData;
  readonly detector: DetectorModel;
  readonly loss: ClassifierLoss;
  /** The class statistics the loss was built from (checkpoints keep them: the model is rebuilt from the file alone). */
  readonly lossStats: ClassStats;
  readonly optimizer: SgdMomentum;
  /** Variables the step updates, by parameter-store name. */
  readonly trainable: Map<string, tf.Variable>;
  /** Decoupled stage 2: the classifier alone steps, on frozen RoI features. */
  readonly classifierOnly: boolean;
  readonly meta: StageTwoMetaLearner | null;
  readonly stream: TrainingBatchStream;
  /** Class-balanced meta batches (with a meta learner). */
  readonly metaStream: TrainingBatchStream | null;
  /** Drives RoI sampling in the step. */
  readonly stepRng: Rng;
  /** `size_divisibility` of the batched images. */
  readonly sizeDivisibility: number;
  /** Steps taken: the iteration the next step starts from. */
  iteration: number;
  /** The checkpoint this run resumed from, or null. */
  readonly resumedFrom: string | null;
  readonly log: (line: string) => void;
}

/** Sets up a run per `cfg` (resuming from `<outputDir>/last.ckpt` when asked and present). */
export async function openTrainingRun(cfg: TrainConfig, opts: { resume?: boolean; log: (line: string) => void }): Promise<TrainingRun> {
  const { log } = opts;
  const backend = await initBackend(cfg.backend);
  const outputDir = resolve(cfg.outputDir);
  ensureDir(outputDir);
  writeJsonFileAtomic(join(outputDir, RUN_FILES.config), cfg, { indent: 2 });
  const data = await loadTrainingData(cfg, log);
  const numClasses = data.categories.length;
  log(`balms train: backend ${backend}, ${data.train.size} training images, ${numClasses} classes, loss ${cfg.loss.type}, sampler ${cfg.sampler.type}${cfg.stage2.enabled ? `, stage 2 (${cfg.stage2.trainable}${cfg.meta.type !== 'none' ? ` + ${cfg.meta.type}` : ''})` : ''}`);
  // the one training sampler of the run (the loss's 'sampled' prior reads its expected draws)
  const sampler = buildTrainSampler(cfg, data.imageClasses, numClasses);
  const backbone = await loadConfigBackbone(cfg);
  const { detector, loss, lossStats } = buildModel(cfg, numClasses, data.classStats, { imageClasses: data.imageClasses, sampler, categories: data.categories, lvisTable: loadLvisCategoryTable }, backbone);
  const lastPath = join(outputDir, RUN_FILES.last);
  const resumedFrom = opts.resume && existsSync(lastPath) ? lastPath : null;
  if (opts.resume && !resumedFrom) log(`resume: no ${lastPath} yet, starting from iteration 0`);
  const optimizer = new SgdMomentum(cfg.solver);
  try {
    if (cfg.stage2.enabled && !resumedFrom) {
      const init = loadCheckpoint(cfg.stage2.initCheckpoint);
      const skipped = loadModelWeights(detector, init.tensors, { strict: false, file: cfg.stage2.initCheckpoint });
      tf.dispose([...init.tensors.values()]);
      if (skipped.length) log(`stage 2: re-initialised ${skipped.length} parameter(s) not matching the stage-1 checkpoint: ${skipped.join(', ')}`);
    }
    const subset = cfg.stage2.enabled ? cfg.stage2.trainable : 'all';
    const prefixes = TRAINABLE_SUBSETS[subset]!;
    const trainable = new Map([...detector.variables()].filter(([n]) => prefixes.some((p) => n.startsWith(p))));
    const meta = cfg.stage2.enabled ? createMetaLearner(cfg, loss, lossStats, data.imageClasses) : null;
    const metaSampler = meta ? buildMetaSampler(cfg, data.imageClasses, numClasses) : null;
    const stepRng = new Rng(runSeed(cfg, 'step'));

    let iteration = 0;
    let scheduled: RunState['scheduled'] = [];
    if (resumedFrom) {
      const ck = loadCheckpoint(resumedFrom);
      try {
        const st = ck.meta as unknown as RunState;
        if (st.categories && st.categories.map((c) => c.id).join(',') !== data.categories.map((c) => c.id).join(',')) {
          throw new BalmsInputError(`the checkpoint was trained on ${st.categories.length} other categories than the configured data's ${data.categories.length}: cannot resume`, { file: resumedFrom });
        }
        loadModelWeights(detector, ck.tensors, { strict: true, file: resumedFrom });
        optimizer.loadState(optimizerState(ck.tensors));
        iteration = st.iteration;
        sampler.setState(st.sampler);
        scheduled = st.scheduled;
        if (metaSampler && st.metaSampler) metaSampler.setState(st.metaSampler);
        detector.setRngState(st.detectorRng);
        stepRng.setState(st.stepRng);
        if (meta && st.meta) meta.setState(st.meta);
      } finally {
        tf.dispose([...ck.tensors.values()]);
      }
      log(`resumed from ${resumedFrom} at iteration ${iteration}`);
    }

    const stream = new TrainingBatchStream(data.train, sampler, { batchSize: cfg.data.imagesPerBatch, prefetch: cfg.data.prefetch, transform: trainTransform(cfg), seed: runSeed(cfg, 'augment'), startBatch: iteration, scheduled });
    const metaStream = metaSampler
      ? new TrainingBatchStream(data.train, metaSampler, { batchSize: cfg.meta.imagesPerBatch, prefetch: cfg.data.prefetch, transform: trainTransform(cfg), seed: runSeed(cfg, 'metaAugment'), startBatch: iteration })
      : null;
    return {
      cfg, outputDir, backend, data, detector, loss, lossStats, optimizer, trainable,
      classifierOnly: cfg.stage2.enabled && subset === 'classifier',
      meta, stream, metaStream, stepRng, sizeDivisibility: sizeDivisibility(detector), iteration, resumedFrom, log,
    };
  } catch (e) {
    optimizer.dispose();
    detector.dispose();
    throw e;
  }
}

/** Writes the run (weights, optimizer state, and the state that resumes it exactly) to `path`. */
export function saveRun(run: TrainingRun, path: string): void {
  const rs = run.stream.resumeState();
  const stats = run.data.classStats;
  const state: RunState = {
    iteration: run.iteration,
    sampler: rs.sampler,
    scheduled: rs.scheduled,
    metaSampler: run.metaStream ? run.metaStream.resumeState().sampler : null,
    detectorRng: run.detector.getRngState(),
    stepRng: run.stepRng.getState(),
    meta: run.meta ? run.meta.getState() : null,
    config: run.cfg,
    categories: checkpointCategories(run.data.categories),
    classStats: plainStats(stats),
    lossStats: plainStats(run.lossStats),
  };
  saveCheckpoint(path, state as unknown as Record<string, unknown>, checkpointTensors(run.detector, run.optimizer));
}

function plainStats(s: ClassStats): ClassStats {
  return { imageCount: Array.from(s.imageCount), instanceCount: Array.from(s.instanceCount), numTrainImages: s.numTrainImages };
}

/** Releases the optimizer state and the batch streams (the detector stays with the caller). */
export async function closeTrainingRun(run: TrainingRun): Promise<void> {
  run.optimizer.dispose();
  await run.stream.close();
  await run.metaStream?.close();
}
