/**
 * Instance-balanced sampling: every epoch is a fresh seeded permutation of all items, so each
 * item is seen exactly once per epoch (the standard data loader order).
 */
import { BalmsInputError } from '../util/errors.js';
import type { Rng } from '../util/rng.js';
import { EpochSampler } from './sampler.js';

export interface InstanceBalancedSamplerOptions {
  seed?: number;
}

export class InstanceBalancedSampler extends EpochSampler {
  readonly numItems: number;
  protected readonly kind = 'instance-balanced';

  /** @example const s = new InstanceBalancedSampler(labels.length, { seed: 1 }); const batch = s.take(256); */
  constructor(numItems: number, opts: InstanceBalancedSamplerOptions = {}) {
    super(opts.seed);
    if (!Number.isInteger(numItems) || numItems < 0) {
      throw new BalmsInputError(`InstanceBalancedSampler: numItems must be an integer ≥ 0, got ${numItems}`);
    }
    this.numItems = numItems;
  }

  /** Every item once per epoch. */
  expectedDraws(): Float64Array {
    return new Float64Array(this.numItems).fill(1);
  }

  protected drawEpoch(rng: Rng): Int32Array {
    return rng.permutation(this.numItems);
  }
}
