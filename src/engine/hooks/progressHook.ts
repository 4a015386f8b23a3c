/** The progress bar: the smoothed total loss and the learning rate after every step. */
import type { ProgressBar } from '../progressBar.js';
import type { LoopRun, TrainHook } from '../trainLoop.js';

export function progressHook(bar: ProgressBar): TrainHook<LoopRun> {
  const smooth: Record<string, number> = {};
  return {
    afterStep(_run, { iteration, lr, values }) {
      for (const [k, v] of Object.entries(values)) smooth[k] = smooth[k] === undefined ? v : 0.9 * smooth[k]! + 0.1 * v;
      bar.update(iteration, `loss ${smooth['total_loss']!.toFixed(3)} lr ${lr.toExponential(1)}`);
    },
    afterTrain() {
      bar.finish(`loss ${(smooth['total_loss'] ?? NaN).toFixed(3)}`);
    },
  };
}
