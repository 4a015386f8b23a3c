/**
 * Checkpoints: `last.ckpt` every `period` steps (0: never) and when the loop ends, and
 * `model_final.ckpt` when the schedule is finished. `path()` is the last one written.
 */
import { join } from 'node:path';
import { RUN_FILES } from '../runFiles.js';
import type { TrainHook } from '../trainLoop.js';
import { saveRun } from '../trainingRun.js';

export interface CheckpointHook extends TrainHook {
  /** The checkpoint the run ended with (`model_final.ckpt` when finished, else `last.ckpt`). */
  path(): string;
}

export function checkpointHook(outputDir: string, period: number): CheckpointHook {
  const last = join(outputDir, RUN_FILES.last);
  let written = last;
  return {
    afterStep(run, { iteration }) {
      if (period > 0 && iteration % period === 0) saveRun(run, last);
    },
    afterTrain(run, { finished }) {
      saveRun(run, last);
      if (finished) {
        written = join(outputDir, RUN_FILES.final);
        saveRun(run, written);
      }
    },
    path: () => written,
  };
}
