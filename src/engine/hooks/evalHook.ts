/**
 * Evaluation on the val split: every `period` steps before the end (0: never), and once more when
 * the schedule is finished unless `final` is null (then with `final.keepPredictions` images' predictions kept).
 * Each result goes to the metrics log and a log line.
 */
import { formatApPercent } from '../../eval/index.js';
import { evaluateDetector, evaluationOptionsOf, type ModelEvaluation } from '../evaluateModel.js';
import type { MetricsLog } from '../metricsLog.js';
import type { TrainHook } from '../trainLoop.js';
import type { TrainingRun } from '../trainingRun.js';

export interface EvalHook extends TrainHook {
  /** The final evaluation (null when skipped, unfinished or without val data). */
  evaluation(): ModelEvaluation | null;
}

export function evalHook(metrics: MetricsLog, period: number, final: { keepPredictions: number } | null): EvalHook {
  let evaluation: ModelEvaluation | null = null;
  return {
    async afterStep(run, { iteration }) {
      if (period > 0 && iteration % period === 0 && iteration < run.cfg.solver.maxIter) await evaluate(run, metrics, 0);
    },
    async afterTrain(run, { finished }) {
      if (finished && final) evaluation = await evaluate(run, metrics, final.keepPredictions);
    },
    evaluation: () => evaluation,
  };
}

async function evaluate(run: TrainingRun, metrics: MetricsLog, keep: number): Promise<ModelEvaluation | null> {
  const { data, cfg, iteration } = run;
  if (!data.val) return null;
  const ev = await evaluateDetector(run.detector, data.val, { ...evaluationOptionsOf(cfg, data.categories), keepPredictions: keep });
  metrics.append({ iteration, eval: { bbox: ev.bbox, segm: ev.segm } });
  const ap = formatApPercent;
  run.log(
    `eval @${iteration}: bbox AP ${ap(ev.bbox.AP)} (r ${ap(ev.bbox.APr)} c ${ap(ev.bbox.APc)} f ${ap(ev.bbox.APf)})` +
      (ev.segm ? `, segm AP ${ap(ev.segm.AP)} (r ${ap(ev.segm.APr)} c ${ap(ev.segm.APc)} f ${ap(ev.segm.APf)})` : ''),
  );
  return ev;
}
