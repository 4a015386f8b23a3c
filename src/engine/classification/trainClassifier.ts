/**
 * `train` for `task: "classification"`: the run (`classificationRun.ts`) on the one training loop
 * (`trainLoop.ts`) with the shared hooks — metrics (JSONL), progress bar, atomic checkpoints that
 * resume exactly — and the classification evaluation (`classificationEvaluation.ts`).
 */
import { join } from 'node:path';
import type { ImageClassifier } from '../../modeling/classification/index.js';
import type { ClassificationTrainConfig } from '../config/classificationConfig.js';
import { checkpointHook } from '../hooks/checkpointHook.js';
import { metricsHook } from '../hooks/metricsHook.js';
import { progressHook } from '../hooks/progressHook.js';
import { MetricsLog } from '../metricsLog.js';
import { ProgressBar } from '../progressBar.js';
import { RUN_FILES } from '../runFiles.js';
import type { TrainOptions } from '../trainer.js';
import { runTrainLoop } from '../trainLoop.js';
import type { ClassificationData } from './classificationData.js';
import { classificationEvalHook, type ClassificationEvaluation } from './classificationEvaluation.js';
import { closeClassificationRun, openClassificationRun, saveClassificationRun, type ClassificationRun } from './classificationRun.js';
import { classifierTrainStep } from './classifierTrainStep.js';

export interface ClassifierTrainResult {
  task: 'classification';
  outputDir: string;
  iteration: number;
  finished: boolean;
  backend: string;
  checkpoint: string;
  evaluation: ClassificationEvaluation | null;
  data: ClassificationData;
  /** The trained model (the caller disposes it). */
  model: ImageClassifier;
  seconds: number;
}

/** Trains per `cfg`; `data` replaces reading `data.root` (tests, callers with their own readers). */
export async function trainClassifier(
  cfg: ClassificationTrainConfig,
  opts: Pick<TrainOptions, 'resume' | 'quiet' | 'log' | 'stopAfter' | 'skipEval'> & { data?: ClassificationData } = {},
): Promise<ClassifierTrainResult> {
  const t0 = performance.now();
  const log = opts.log ?? ((line: string) => process.stderr.write(line + '\n'));
  const run = await openClassificationRun(cfg, { resume: opts.resume, log, ...(opts.data ? { data: opts.data } : {}) });
  try {
    const metrics = new MetricsLog(join(run.outputDir, RUN_FILES.metrics));
    if (run.resumedFrom) metrics.truncateAfter(run.iteration);
    const maxIter = cfg.solver.maxIter;
    const checkpoints = checkpointHook<ClassificationRun>(run.outputDir, cfg.checkpoint.period, saveClassificationRun);
    const evaluation = classificationEvalHook(metrics, !opts.skipEval);
    const hooks = [metricsHook(metrics, cfg.log.period), progressHook(new ProgressBar({ label: 'train', total: maxIter, quiet: opts.quiet })), checkpoints, evaluation];
    await runTrainLoop(run, hooks, Math.min(maxIter, opts.stopAfter ?? maxIter), classifierTrainStep);
    const { outputDir, iteration, backend, data, model } = run;
    return { task: 'classification', outputDir, iteration, finished: iteration >= maxIter, backend, checkpoint: checkpoints.path(), evaluation: evaluation.evaluation(), data, model, seconds: (performance.now() - t0) / 1000 };
  } catch (e) {
    run.model.dispose();
    throw e;
  } finally {
    closeClassificationRun(run);
  }
}
