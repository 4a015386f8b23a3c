/**
 * Checkpoints: `last.ckpt` every `period` steps (0: never) and when the loop ends, and
 * `model_final.ckpt` when the schedule is finished. `path()` is the last one written.
 */
import { join } from 'node:path';
import { RUN_FILES } from '../runFiles.js';
import type { LoopRun, TrainHook } from '../trainLoop.js';
import { saveRun, type TrainingRun } from '../trainingRun.js';

export interface CheckpointHook<R extends LoopRun = TrainingRun> extends TrainHook<R> {
  /** The checkpoint the run ended with (`model_final.ckpt` when finished, else `last.ckpt`). */
  path(): string;
}

/** `save` writes a run of the task to a path (the detector's `saveRun` by default). */
export function checkpointHook<R extends LoopRun = TrainingRun>(
  outputDir: string,
  period: number,
  save: (run: R, path: string) => void = saveRun as unknown as (run: R, path: string) => void,
): CheckpointHook<R> {
  const last = join(outputDir, RUN_FILES.last);
  let written = last;
  return {
    afterStep(run, { iteration }) {
      if (period > 0 && iteration % period === 0) save(run, last);
    },
    afterTrain(run, { finished }) {
      save(run, last);
      if (finished) {
        written = join(outputDir, RUN_FILES.final);
        save(run, written);
      }
    },
    path: () => written,
  };
}
