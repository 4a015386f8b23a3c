/**
 * The training loop: data → detector step (or the decoupled stage-2 classifier step with the Meta
 * Sampler / Meta Reweighter) → SGD with warm-up + multi-step LR, logging (progress bar on stderr,
 * JSONL metrics), periodic evaluation and atomic checkpoints that resume the run exactly.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { initBackend } from '../backends/index.js';
import type { LvisCategory } from '../coco/index.js';
import type { ExampleTransform, TrainingExample } from '../data/index.js';
import type { ClassStats } from '../losses/index.js';
import { TRAINABLE_SUBSETS, type Detector } from '../modeling/index.js';
import { MetaSampler, type IndexSampler, type MetaLearnerState, type SamplerState } from '../sampling/index.js';
import { ensureDir, writeFileAtomic } from '../util/atomicWrite.js';
import { BalmsInputError, TrainingDivergedError } from '../util/errors.js';
import { Rng, type RngState } from '../util/rng.js';
import { TrainingBatchStream } from './batchStream.js';
import { buildModel } from './buildModel.js';
import { buildMetaSampler, buildTrainSampler, SEED_OFFSETS } from './buildSampler.js';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import type { TrainConfig } from './config/trainConfig.js';
import { evaluateDetector, type ModelEvaluation } from './evaluateModel.js';
import { imageBatchOf, sizeDivisibility } from './inference.js';
import { learningRateAt } from './lrSchedule.js';
import { createMetaLearner, type StageTwoMetaLearner } from './metaLearners.js';
import { MetricsLog } from './metricsLog.js';
import { ProgressBar } from './progressBar.js';
import { SgdMomentum } from './sgdMomentum.js';
import { classifierStep, detectorStep, type StepBatch } from './trainStep.js';
import { loadTrainingData, type TrainingData } from './trainingData.js';

export interface TrainOptions {
  /** Continue from `<outputDir>/last.ckpt` when it exists. */
  resume?: boolean;
  /** No progress bar. */
  quiet?: boolean;
  /** Log lines (stderr by default). */
  log?: (line: string) => void;
  /** Stop after this many iterations in total, leaving a checkpoint (simulates an interruption). */
  stopAfter?: number;
  /** Skip the final evaluation. */
  skipEval?: boolean;
  /** Val images drawn into `TrainResult.evaluation.predictions.kept` (for the report). */
  keepPredictions?: number;
}

export interface TrainResult {
  outputDir: string;
  iteration: number;
  finished: boolean;
  backend: string;
  checkpoint: string;
  evaluation: ModelEvaluation | null;
  data: TrainingData;
  detector: Detector;
  seconds: number;
}

/** File names inside the output folder. */
export const RUN_FILES = { last: 'last.ckpt', final: 'model_final.ckpt', metrics: 'metrics.jsonl', config: 'config.json' } as const;

const MODEL_PREFIX = 'model/';
const OPTIM_PREFIX = 'optim/';

export function trainTransform(cfg: TrainConfig): ExampleTransform {
  const d = cfg.data;
  return { shortSide: d.minSizeTrain, maxSize: d.maxSize, flipProbability: d.flipProbability, pixelStats: statsOf(cfg) };
}

export function testTransform(cfg: TrainConfig): ExampleTransform {
  const d = cfg.data;
  return { shortSide: d.minSizeTest, maxSize: d.maxSize, flipProbability: 0, pixelStats: statsOf(cfg) };
}

function statsOf(cfg: TrainConfig) {
  const [m0, m1, m2] = cfg.data.pixelMean as [number, number, number];
  const [s0, s1, s2] = cfg.data.pixelStd as [number, number, number];
  return { mean: [m0, m1, m2] as const, std: [s0, s1, s2] as const };
}

function toStepBatch(examples: TrainingExample[], div: number): StepBatch {
  const { images, imageSizes } = imageBatchOf(examples, div);
  return { images, imageSizes, targets: examples.map((e) => ({ boxes: e.boxes, classes: e.classes, polygons: e.polygons })) };
}

/** Loads a checkpoint's model tensors into a detector; tensors whose shape differs are skipped and reported. */
export function loadModelWeights(detector: Detector, tensors: Map<string, tf.Tensor>, opts: { strict: boolean; file: string }): string[] {
  const vars = detector.variables();
  const values = new Map<string, tf.Tensor>();
  const skipped: string[] = [];
  for (const [k, t] of tensors) {
    if (!k.startsWith(MODEL_PREFIX)) continue;
    const name = k.slice(MODEL_PREFIX.length);
    const v = vars.get(name);
    if (!v || !tf.util.arraysEqual(v.shape, t.shape)) {
      if (opts.strict) throw new BalmsInputError(`parameter ${name} ${v ? `has shape [${t.shape}], the model [${v.shape}]` : 'is not in the model'}`, { file: opts.file });
      skipped.push(name);
      continue;
    }
    values.set(name, t);
  }
  const missing = [...vars.keys()].filter((n) => !values.has(n));
  if (opts.strict && missing.length) throw new BalmsInputError(`checkpoint lacks ${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', …' : ''}`, { file: opts.file });
  detector.store.assign(values, true);
  return [...skipped, ...missing.filter((m) => !skipped.includes(m))];
}

interface RunState {
  iteration: number;
  sampler: SamplerState;
  scheduled: { batch: number; factors: number[] }[];
  metaSampler: SamplerState | null;
  detectorRng: RngState;
  stepRng: RngState;
  meta: MetaLearnerState | null;
  config: TrainConfig;
  /** The training categories (index = contiguous class): with `classStats`, what rebuilds the model from the checkpoint alone. */
  categories: CheckpointCategory[];
  classStats: ClassStats;
}

/** A training category as stored in checkpoints. */
export interface CheckpointCategory {
  id: number;
  name: string;
  frequency?: string;
}

/** The categories of a run as stored in its checkpoints. */
export function checkpointCategories(categories: readonly LvisCategory[]): CheckpointCategory[] {
  return categories.map((c) => ({ id: c.id, name: c.name, ...(c.frequency !== undefined ? { frequency: c.frequency } : {}) }));
}

/** Trains per `cfg` and returns the run (detector included: the caller disposes it). */
export async function train(cfg: TrainConfig, opts: TrainOptions = {}): Promise<TrainResult> {
  const t0 = performance.now();
  const log = opts.log ?? ((line: string) => process.stderr.write(line + '\n'));
  const backend = await initBackend(cfg.backend);
  const outputDir = resolve(cfg.outputDir);
  ensureDir(outputDir);
  writeFileAtomic(join(outputDir, RUN_FILES.config), JSON.stringify(cfg, null, 2) + '\n');
  const data = await loadTrainingData(cfg, log);
  const numClasses = data.categories.length;
  log(`balms train: backend ${backend}, ${data.train.size} training images, ${numClasses} classes, loss ${cfg.loss.type}, sampler ${cfg.sampler.type}${cfg.stage2.enabled ? `, stage 2 (${cfg.stage2.trainable}${cfg.meta.type !== 'none' ? ` + ${cfg.meta.type}` : ''})` : ''}`);
  const { detector, loss } = buildModel(cfg, numClasses, data.classStats);
  const lastPath = join(outputDir, RUN_FILES.last);
  const resumeFrom = opts.resume && existsSync(lastPath) ? lastPath : null;
  if (opts.resume && !resumeFrom) log(`resume: no ${lastPath} yet, starting from iteration 0`);

  if (cfg.stage2.enabled && !resumeFrom) {
    const init = loadCheckpoint(cfg.stage2.initCheckpoint);
    const skipped = loadModelWeights(detector, init.tensors, { strict: false, file: cfg.stage2.initCheckpoint });
    tf.dispose([...init.tensors.values()]);
    if (skipped.length) log(`stage 2: re-initialised ${skipped.length} parameter(s) not matching the stage-1 checkpoint: ${skipped.join(', ')}`);
  }

  const subset = cfg.stage2.enabled ? cfg.stage2.trainable : 'all';
  const prefixes = TRAINABLE_SUBSETS[subset]!;
  const trainable = new Map([...detector.variables()].filter(([n]) => prefixes.some((p) => n.startsWith(p))));
  const optimizer = new SgdMomentum(cfg.solver);
  const sampler: IndexSampler = buildTrainSampler(cfg, data.imageClasses, numClasses);
  const meta: StageTwoMetaLearner | null = cfg.stage2.enabled ? createMetaLearner(cfg, data.classStats) : null;
  if (meta instanceof MetaSampler && cfg.sampler.type !== 'repeat_factor') {
    throw new BalmsInputError('the Meta Sampler turns class rates into image repeat factors: use sampler.type "repeat_factor"', { path: 'sampler.type' });
  }
  const metaSampler = meta ? buildMetaSampler(cfg, data.imageClasses, numClasses) : null;
  const stepRng = new Rng(cfg.seed + 7);

  let iteration = 0;
  let scheduled: RunState['scheduled'] = [];
  if (resumeFrom) {
    const ck = loadCheckpoint(resumeFrom);
    const st = ck.meta as unknown as RunState;
    if (st.categories && st.categories.map((c) => c.id).join(',') !== data.categories.map((c) => c.id).join(',')) {
      tf.dispose([...ck.tensors.values()]);
      detector.dispose();
      throw new BalmsInputError(`the checkpoint was trained on ${st.categories.length} other categories than the configured data's ${data.categories.length}: cannot resume`, { file: resumeFrom });
    }
    loadModelWeights(detector, ck.tensors, { strict: true, file: resumeFrom });
    const optState = new Map([...ck.tensors].filter(([k]) => k.startsWith(OPTIM_PREFIX)).map(([k, t]) => [k.slice(OPTIM_PREFIX.length), t]));
    optimizer.loadState(optState);
    tf.dispose([...ck.tensors.values()]);
    iteration = st.iteration;
    sampler.setState(st.sampler);
    scheduled = st.scheduled;
    if (metaSampler && st.metaSampler) metaSampler.setState(st.metaSampler);
    detector.setRngState(st.detectorRng);
    stepRng.setState(st.stepRng);
    if (meta && st.meta) meta.setState(st.meta);
    log(`resumed from ${resumeFrom} at iteration ${iteration}`);
  }

  const metrics = new MetricsLog(join(outputDir, RUN_FILES.metrics));
  if (resumeFrom) metrics.truncateAfter(iteration);
  const bs = cfg.data.imagesPerBatch;
  const stream = new TrainingBatchStream(data.train, sampler, { batchSize: bs, prefetch: cfg.data.prefetch, transform: trainTransform(cfg), seed: cfg.seed + SEED_OFFSETS.augment, startBatch: iteration });
  stream.restoreScheduled(scheduled);
  const metaStream = metaSampler
    ? new TrainingBatchStream(data.train, metaSampler, { batchSize: cfg.meta.imagesPerBatch, prefetch: cfg.data.prefetch, transform: trainTransform(cfg), seed: cfg.seed + SEED_OFFSETS.metaAugment, startBatch: iteration })
    : null;
  const div = sizeDivisibility(detector);

  const saveRun = (path: string) => {
    const tensors = new Map<string, tf.Tensor>();
    for (const [k, v] of detector.variables()) tensors.set(MODEL_PREFIX + k, v);
    for (const [k, v] of optimizer.stateTensors()) tensors.set(OPTIM_PREFIX + k, v);
    const rs = stream.resumeState();
    const state: RunState = {
      iteration,
      sampler: rs.sampler,
      scheduled: rs.scheduled,
      metaSampler: metaStream ? metaStream.resumeState().sampler : null,
      detectorRng: detector.getRngState(),
      stepRng: stepRng.getState(),
      meta: meta ? meta.getState() : null,
      config: cfg,
      categories: checkpointCategories(data.categories),
      classStats: { imageCount: Array.from(data.classStats.imageCount), instanceCount: Array.from(data.classStats.instanceCount), numTrainImages: data.classStats.numTrainImages },
    };
    saveCheckpoint(path, state as unknown as Record<string, unknown>, tensors);
  };

  const maxIter = cfg.solver.maxIter;
  const stopAt = Math.min(maxIter, opts.stopAfter ?? maxIter);
  const bar = new ProgressBar({ label: 'train', total: maxIter, quiet: opts.quiet });
  let evaluation: ModelEvaluation | null = null;
  const runEval = async (keep: number) => {
    if (!data.val) return null;
    const ev = await evaluateDetector(detector, data.val, { transform: testTransform(cfg), maxImages: cfg.eval.maxImages, keepPredictions: keep, categoryIds: data.categories.map((c) => c.id) });
    metrics.append({ iteration, eval: { bbox: ev.bbox, segm: ev.segm } });
    log(`eval @${iteration}: bbox AP ${(ev.bbox.AP * 100).toFixed(1)} (r ${fmtAp(ev.bbox.APr)} c ${fmtAp(ev.bbox.APc)} f ${fmtAp(ev.bbox.APf)})` + (ev.segm ? `, segm AP ${(ev.segm.AP * 100).toFixed(1)} (r ${fmtAp(ev.segm.APr)} c ${fmtAp(ev.segm.APc)} f ${fmtAp(ev.segm.APf)})` : ''));
    return ev;
  };

  try {
    const smooth: Record<string, number> = {};
    while (iteration < stopAt) {
      const examples = await stream.next();
      const batch = toStepBatch(examples, div);
      const lr = learningRateAt(iteration, cfg.solver);
      let values: Record<string, number>;
      try {
        const ctx = { detector, loss, optimizer, trainable, lr, clipGradNorm: cfg.solver.clipGradNorm, rng: stepRng };
        if (cfg.stage2.enabled && subset === 'classifier') {
          values = (
            await classifierStep(
              {
                ...ctx,
                meta,
                momentum: cfg.solver.momentum,
                weightDecay: cfg.solver.weightDecay,
                metaBatch: metaStream ? async () => toStepBatch(await metaStream.next(), div) : undefined,
              },
              batch,
            )
          ).values;
        } else {
          values = detectorStep(ctx, batch).values;
        }
      } finally {
        batch.images.dispose();
      }
      iteration++;
      if (!Number.isFinite(values['total_loss']!)) throw TrainingDivergedError.fromLosses(iteration, values, existsSync(lastPath) ? lastPath : null);
      for (const [k, v] of Object.entries(values)) smooth[k] = smooth[k] === undefined ? v : 0.9 * smooth[k]! + 0.1 * v;
      if (meta instanceof MetaSampler && iteration % cfg.meta.refreshPeriod === 0) {
        stream.scheduleRepeatFactors(meta.imageRepeatFactors(data.imageClasses, { threshold: cfg.sampler.repeatThreshold, sqrt: cfg.sampler.repeatSqrt }));
      }
      if (iteration % cfg.log.period === 0 || iteration === stopAt) {
        metrics.append({ iteration, lr, ...values });
      }
      bar.update(iteration, `loss ${smooth['total_loss']!.toFixed(3)} lr ${lr.toExponential(1)}`);
      if (cfg.checkpoint.period > 0 && iteration % cfg.checkpoint.period === 0) saveRun(lastPath);
      if (cfg.eval.period > 0 && iteration % cfg.eval.period === 0 && iteration < maxIter) await runEval(0);
    }
    bar.finish(`loss ${(smooth['total_loss'] ?? NaN).toFixed(3)}`);
    saveRun(lastPath);
    const finished = iteration >= maxIter;
    let checkpoint = lastPath;
    if (finished) {
      checkpoint = join(outputDir, RUN_FILES.final);
      saveRun(checkpoint);
      if (!opts.skipEval) evaluation = await runEval(opts.keepPredictions ?? cfg.eval.visualize);
    }
    return { outputDir, iteration, finished, backend, checkpoint, evaluation, data, detector, seconds: (performance.now() - t0) / 1000 };
  } catch (e) {
    detector.dispose();
    throw e;
  } finally {
    optimizer.dispose();
    await stream.close();
    await metaStream?.close();
  }
}

function fmtAp(v: number): string {
  return v < 0 ? 'n/a' : (v * 100).toFixed(1);
}
