/** Appends the step's values to the JSONL metrics log every `period` steps and at the last step. */
import type { MetricsLog } from '../metricsLog.js';
import type { LoopRun, TrainHook } from '../trainLoop.js';

export function metricsHook(metrics: MetricsLog, period: number): TrainHook<LoopRun> {
  return {
    afterStep(_run, { iteration, lr, values, last }) {
      if (iteration % period === 0 || last) metrics.append({ iteration, lr, ...values });
    },
  };
}
