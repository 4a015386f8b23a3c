/**
 * Repeat factor sampling over images. Each epoch, image I appears ⌊r(I)⌋ times plus once more
 * with probability r(I) − ⌊r(I)⌋ (stochastic rounding, so its expected count is exactly r(I) and
 * epoch length varies), then the multiset is shuffled — detectron2's `RepeatFactorTrainingSampler`.
 * The factors can be replaced (e.g. by the Meta Sampler); a new epoch is drawn with them at once.
 */
import { BalmsInputError } from '../util/errors.js';
import type { Rng } from '../util/rng.js';
import { indexItemClasses, type ItemClassesInput } from './itemClasses.js';
import { repeatFactors, type RepeatFactorOptions } from './repeatFactors.js';
import { EpochSampler, type SamplerState } from './sampler.js';

export interface RepeatFactorSamplerOptions extends RepeatFactorOptions {
  seed?: number;
}

function checkFactors(f: ArrayLike<number>, n?: number): Float64Array {
  if (n !== undefined && f.length !== n) throw new BalmsInputError(`expected ${n} repeat factors, got ${f.length}`);
  const out = Float64Array.from(f);
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i]!) || out[i]! < 0) throw new BalmsInputError(`repeatFactors[${i}] = ${out[i]} is not a finite number ≥ 0`);
  }
  return out;
}

export class RepeatFactorSampler extends EpochSampler {
  readonly numItems: number;
  protected readonly kind = 'repeat-factor';
  private readonly baseFactors: Float64Array;
  private factors: Float64Array;
  private overridden = false;

  /**
   * From per-image category sets (factors computed with `threshold`/`sqrt`, default t = 0.001
   * with the square root) or from explicit per-image factors (any finite r ≥ 0).
   * @example new RepeatFactorSampler({ imageCategories: imageCategorySets(lvis) }, { seed: 3 })
   * @example new RepeatFactorSampler({ factors: [1, 2.5, 0.3] }, { seed: 3 })
   */
  constructor(
    source: { imageCategories: ItemClassesInput } | { factors: ArrayLike<number> },
    opts: RepeatFactorSamplerOptions = {},
  ) {
    super(opts.seed);
    this.baseFactors =
      'factors' in source ? checkFactors(source.factors) : repeatFactors(indexItemClasses(source.imageCategories), opts);
    this.factors = this.baseFactors;
    this.numItems = this.baseFactors.length;
  }

  /** The per-image factors in use. */
  repeatFactors(): Float64Array {
    return this.factors.slice();
  }

  /** r(I): stochastic rounding draws an item r(I) times per epoch in expectation. */
  expectedDraws(): Float64Array {
    return this.factors.slice();
  }

  /** Expected epoch length Σ r(I). */
  expectedEpochLength(): number {
    let s = 0;
    for (let i = 0; i < this.factors.length; i++) s += this.factors[i]!;
    return s;
  }

  /**
   * Replaces the factors and starts a new epoch drawn with them (the rest of the current epoch
   * is dropped; as epochs are shuffled, a partly used epoch is still an unbiased sample).
   */
  setRepeatFactors(factors: ArrayLike<number>): void {
    this.factors = checkFactors(factors, this.numItems);
    this.overridden = true;
    this.restartEpoch();
  }

  protected drawEpoch(rng: Rng): Int32Array {
    const f = this.factors;
    const n = f.length;
    const counts = new Int32Array(n);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const r = f[i]!;
      const whole = Math.trunc(r);
      counts[i] = whole + (rng.next() < r - whole ? 1 : 0);
      total += counts[i]!;
    }
    const out = new Int32Array(total);
    let k = 0;
    for (let i = 0; i < n; i++) for (let j = counts[i]!; j > 0; j--) out[k++] = i;
    return rng.shuffle(out);
  }

  protected override extraState(): Record<string, unknown> {
    return this.overridden ? { factors: Array.from(this.factors) } : {};
  }

  protected override restoreExtra(state: SamplerState): void {
    if (state.factors !== undefined) {
      if (!Array.isArray(state.factors)) throw new BalmsInputError('repeat-factor sampler state: factors must be an array');
      this.factors = checkFactors(state.factors as number[], this.numItems);
      this.overridden = true;
    } else {
      this.factors = this.baseFactors;
      this.overridden = false;
    }
  }
}
