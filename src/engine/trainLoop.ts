/**
 * The training loop, in the spirit of detectron2's `TrainerBase`: take a step, then let each hook
 * act on it (meta refresh, metrics, progress, checkpoint, evaluation — in the order given); when
 * the loop ends, each hook's `afterTrain`. Everything else lives in the run and the hooks. One
 * loop for every task: a run of any task (`LoopRun`) with its step function (the detector's by
 * default; image classification's in `classification/classifierTrainStep.ts`).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TrainingExample } from '../data/index.js';
import { TrainingDivergedError } from '../util/errors.js';
import { imageBatchOf } from './predictImages.js';
import { learningRateAt, type LrScheduleConfig } from '../solver/lrSchedule.js';
import { RUN_FILES } from './runFiles.js';
import type { TrainingRun } from './trainingRun.js';
import { classifierStep, detectorStep, type StepBatch } from './trainStep.js';

/** One step as the hooks see it. */
export interface StepReport {
  /** Steps taken so far, this one included. */
  iteration: number;
  /** The learning rate the step used. */
  lr: number;
  /** Named values of the step (`total_loss`, `grad_norm`, the losses, `meta_loss`…). */
  values: Record<string, number>;
  /** The last step of this call (`iteration === stopAt`). */
  last: boolean;
}

/** What the loop needs of a run, whatever its task. */
export interface LoopRun {
  readonly cfg: { readonly solver: LrScheduleConfig };
  readonly outputDir: string;
  /** Steps taken: the iteration the next step starts from. */
  iteration: number;
}

/** One optimisation step of a run at learning rate `lr`: its named values (`total_loss`…). */
export type StepFunction<R extends LoopRun> = (run: R, lr: number) => Promise<Record<string, number>>;

export interface TrainHook<R extends LoopRun = TrainingRun> {
  /** After each step, in hook order. */
  afterStep?(run: R, step: StepReport): void | Promise<void>;
  /** After the last step (`finished`: the schedule's `maxIter` was reached, not just `stopAt`). */
  afterTrain?(run: R, end: { finished: boolean }): void | Promise<void>;
}

/** Steps `run` to iteration `stopAt` with `step` (default: the detector's), calling the hooks. */
export async function runTrainLoop<R extends LoopRun = TrainingRun>(
  run: R,
  hooks: readonly TrainHook<R>[],
  stopAt: number,
  step: StepFunction<R> = trainStep as unknown as StepFunction<R>,
): Promise<void> {
  while (run.iteration < stopAt) {
    const lr = learningRateAt(run.iteration, run.cfg.solver);
    const values = await step(run, lr);
    run.iteration++;
    const iteration = run.iteration;
    if (!Number.isFinite(values['total_loss']!)) {
      const last = join(run.outputDir, RUN_FILES.last);
      throw TrainingDivergedError.fromLosses(iteration, values, existsSync(last) ? last : null);
    }
    const report: StepReport = { iteration, lr, values, last: iteration === stopAt };
    for (const h of hooks) await h.afterStep?.(run, report);
  }
  const finished = run.iteration >= run.cfg.solver.maxIter;
  for (const h of hooks) await h.afterTrain?.(run, { finished });
}

/** One optimisation step on the next batch: the full detector, or the classifier alone (decoupled stage 2). */
async function trainStep(run: TrainingRun, lr: number): Promise<Record<string, number>> {
  const batch = await run.detector.prepare(toStepBatch(await run.stream.next(), run.sizeDivisibility));
  try {
    const ctx = { detector: run.detector, loss: run.loss, optimizer: run.optimizer, trainable: run.trainable, lr, clipGradNorm: run.cfg.solver.clipGradNorm, rng: run.stepRng };
    if (!run.classifierOnly) return detectorStep(ctx, batch).values;
    const metaStream = run.metaStream;
    const metaBatch = metaStream ? async () => run.detector.prepare(toStepBatch(await metaStream.next(), run.sizeDivisibility)) : undefined;
    return (await classifierStep({ ...ctx, meta: run.meta, metaBatch }, batch)).values;
  } finally {
    run.detector.release(batch);
    batch.images.dispose();
  }
}

function toStepBatch(examples: TrainingExample[], div: number): StepBatch {
  const { images, imageSizes } = imageBatchOf(examples, div);
  return { images, imageSizes, targets: examples.map((e) => ({ boxes: e.boxes, classes: e.classes, polygons: e.polygons })) };
}
