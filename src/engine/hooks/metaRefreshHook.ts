/** Between steps, what the meta learner changes in the run (the Meta Sampler's image repeat factors). */
import type { TrainHook } from '../trainLoop.js';

export function metaRefreshHook(): TrainHook {
  return {
    afterStep(run, step) {
      run.meta?.afterStep(step.iteration, run.stream);
    },
  };
}
