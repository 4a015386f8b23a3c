/**
 * `train`: set up the run (`trainingRun.ts`), then the loop (`trainLoop.ts`) with its hooks —
 * meta refresh, metrics (JSONL), progress bar (stderr), atomic checkpoints that resume the run
 * exactly, and periodic and final evaluation (`hooks/`).
 */
import { join } from 'node:path';
import type { DetectorModel } from '../modeling/index.js';
import type { ModelEvaluation } from './evaluateModel.js';
import { checkpointHook } from './hooks/checkpointHook.js';
import { evalHook } from './hooks/evalHook.js';
import { metaRefreshHook } from './hooks/metaRefreshHook.js';
import { metricsHook } from './hooks/metricsHook.js';
import { progressHook } from './hooks/progressHook.js';
import { MetricsLog } from './metricsLog.js';
import { ProgressBar } from './progressBar.js';
import { RUN_FILES } from './runFiles.js';
import type { TrainConfig } from './config/trainConfig.js';
import { runTrainLoop } from './trainLoop.js';
import { closeTrainingRun, openTrainingRun } from './trainingRun.js';
import type { TrainingData } from './trainingData.js';

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
  detector: DetectorModel;
  seconds: number;
}

/** Trains per `cfg` and returns the run (detector included: the caller disposes it). */
export async function train(cfg: TrainConfig, opts: TrainOptions = {}): Promise<TrainResult> {
  const t0 = performance.now();
  const log = opts.log ?? ((line: string) => process.stderr.write(line + '\n'));
  const run = await openTrainingRun(cfg, { resume: opts.resume, log });
  try {
    const metrics = new MetricsLog(join(run.outputDir, RUN_FILES.metrics));
    if (run.resumedFrom) metrics.truncateAfter(run.iteration);
    const maxIter = cfg.solver.maxIter;
    const checkpoints = checkpointHook(run.outputDir, cfg.checkpoint.period);
    const evaluation = evalHook(metrics, cfg.eval.period, opts.skipEval ? null : { keepPredictions: opts.keepPredictions ?? cfg.eval.visualize });
    const hooks = [
      metaRefreshHook(),
      metricsHook(metrics, cfg.log.period),
      progressHook(new ProgressBar({ label: 'train', total: maxIter, quiet: opts.quiet })),
      checkpoints,
      evaluation,
    ];
    // the final checkpoints come before the final evaluation, as the hook order gives them
    await runTrainLoop(run, hooks, Math.min(maxIter, opts.stopAfter ?? maxIter));
    const { outputDir, iteration, backend, data, detector } = run;
    return { outputDir, iteration, finished: iteration >= maxIter, backend, checkpoint: checkpoints.path(), evaluation: evaluation.evaluation(), data, detector, seconds: (performance.now() - t0) / 1000 };
  } catch (e) {
    run.detector.dispose();
    throw e;
  } finally {
    await closeTrainingRun(run);
  }
}
