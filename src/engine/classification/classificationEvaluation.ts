/**
 * Evaluation of a classification run: periodically on the val split (`eval.period`), and at the end
 * of the schedule on `eval.split` (val while choosing settings, test to report), whose metrics go to
 * `metrics.json` and `report.html` in the output folder, and every result to the metrics log.
 */
import { join } from 'node:path';
import type { ImageClassificationSet } from '../../data/classification/index.js';
import { classificationMetrics, formatClassificationMetrics, type ClassificationMetrics } from '../../eval/classificationMetrics.js';
import type { ImageClassifier } from '../../modeling/classification/index.js';
import { renderClassificationReport } from '../../report/classificationReport.js';
import { writeFileAtomic } from '../../util/atomicWrite.js';
import type { ClassificationTrainConfig } from '../config/classificationConfig.js';
import type { MetricsLog } from '../metricsLog.js';
import type { TrainHook } from '../trainLoop.js';
import type { ClassificationData } from './classificationData.js';
import type { ClassificationRun } from './classificationRun.js';
import { predictClasses } from './classifierForward.js';

/** Files of the final evaluation in the output folder. */
export const CLASSIFICATION_FILES = { metrics: 'metrics.json', report: 'report.html' } as const;

export interface ClassificationEvaluation extends ClassificationMetrics {
  split: 'val' | 'test';
  iteration: number;
  classNames: string[];
}

/** Evaluates `model` on a split of `data` (null when the split is absent). */
export function evaluateClassifier(
  model: ImageClassifier,
  data: ClassificationData,
  split: 'val' | 'test',
  cfg: Pick<ClassificationTrainConfig, 'data' | 'eval'>,
  iteration: number,
): ClassificationEvaluation | null {
  const set: ImageClassificationSet | null = split === 'val' ? data.val : data.test;
  if (!set) return null;
  const predicted = predictClasses(model, set, cfg);
  return { split, iteration, classNames: data.classNames, ...classificationMetrics(set.labels, predicted, data.classNames, data.trainCounts) };
}

/** Writes metrics.json and report.html of an evaluation into `dir`. */
export function writeClassificationEvaluation(dir: string, ev: ClassificationEvaluation, title: string): void {
  writeFileAtomic(join(dir, CLASSIFICATION_FILES.metrics), JSON.stringify(ev, null, 1) + '\n');
  writeFileAtomic(join(dir, CLASSIFICATION_FILES.report), renderClassificationReport(ev, { title, split: ev.split }));
}

export interface ClassificationEvalHook extends TrainHook<ClassificationRun> {
  /** The final evaluation (null when skipped, unfinished, or the split is absent). */
  evaluation(): ClassificationEvaluation | null;
}

export function classificationEvalHook(metrics: MetricsLog, final: boolean): ClassificationEvalHook {
  let result: ClassificationEvaluation | null = null;
  const run1 = (run: ClassificationRun, split: 'val' | 'test') => {
    const ev = evaluateClassifier(run.model, run.data, split, run.cfg, run.iteration);
    if (!ev) return null;
    const { perClass: _p, confusion: _c, classNames: _n, ...summary } = ev;
    metrics.append({ iteration: run.iteration, eval: summary });
    run.log(`eval @${run.iteration} (${split}): ${formatClassificationMetrics(ev)}`);
    return ev;
  };
  return {
    afterStep(run, { iteration }) {
      const period = run.cfg.eval.period;
      if (period > 0 && iteration % period === 0 && iteration < run.cfg.solver.maxIter) run1(run, 'val');
    },
    afterTrain(run, { finished }) {
      if (!finished || !final) return;
      result = run1(run, run.cfg.eval.split);
      if (result) writeClassificationEvaluation(run.outputDir, result, `balms classification: ${run.cfg.loss.type}${run.cfg.stage2.enabled ? ' (stage 2)' : ''}`);
      else run.log(`eval: no ${run.cfg.eval.split} split to evaluate on (set data.valPerClass, or eval.split "test")`);
    },
    evaluation: () => result,
  };
}
