/** Learning-rate schedules (detectron2's WarmupMultiStepLR and WarmupCosineLR), pure functions of the iteration. */

export interface LrScheduleConfig {
  baseLr: number;
  /** 'multistep' decays by `gamma` at each of `steps`; 'cosine' anneals to 0 at `maxIter`. */
  schedule: 'multistep' | 'cosine';
  steps: number[];
  gamma: number;
  maxIter: number;
  warmupIters: number;
  warmupFactor: number;
  /** 'linear' ramps from warmupFactor to 1; 'constant' holds warmupFactor. */
  warmupMethod: 'linear' | 'constant';
}

/** The learning rate at iteration `iter` (0-based). */
export function learningRateAt(iter: number, c: LrScheduleConfig): number {
  let warm = 1;
  if (iter < c.warmupIters) {
    warm = c.warmupMethod === 'constant' ? c.warmupFactor : c.warmupFactor * (1 - iter / c.warmupIters) + iter / c.warmupIters;
  }
  if (c.schedule === 'cosine') {
    return c.baseLr * warm * 0.5 * (1 + Math.cos((Math.PI * Math.min(iter, c.maxIter)) / c.maxIter));
  }
  let decays = 0;
  for (const s of c.steps) if (iter >= s) decays++;
  return c.baseLr * warm * c.gamma ** decays;
}
