/** Learning-rate schedules (detectron2's WarmupMultiStepLR and WarmupCosineLR), pure functions of the iteration. */

export interface LrScheduleConfig {
  base_lr: number;
  /** 'multistep' decays by `gamma` at each of `steps`; 'cosine' anneals to 0 at `max_iter`. */
  schedule: 'multistep' | 'cosine';
  steps: number[];
  gamma: number;
  max_iter: number;
  warmup_iters: number;
  warmup_factor: number;
  /** 'linear' ramps from warmup_factor to 1; 'constant' holds warmup_factor. */
  warmup_method: 'linear' | 'constant';
}

/** The learning rate at iteration `iter` (0-based). */
export function learningRateAt(iter: number, c: LrScheduleConfig): number {
  let warm = 1;
  if (iter < c.warmup_iters) {
    warm = c.warmup_method === 'constant' ? c.warmup_factor : c.warmup_factor * (1 - iter / c.warmup_iters) + iter / c.warmup_iters;
  }
  if (c.schedule === 'cosine') {
    return c.base_lr * warm * 0.5 * (1 + Math.cos((Math.PI * Math.min(iter, c.max_iter)) / c.max_iter));
  }
  let decays = 0;
  for (const s of c.steps) if (iter >= s) decays++;
  return c.base_lr * warm * c.gamma ** decays;
}
