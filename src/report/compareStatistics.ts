/**
 * The statistics of `balms compare`: mean and sample standard deviation over seeds, and a paired
 * bootstrap confidence interval of a method's difference to a baseline.
 *
 * The bootstrap is two-level and paired: each replicate draws S seeds with replacement, then, for
 * the metric's categories (all of them for AP, the rare ones for APr, …), draws categories with
 * replacement; the replicate's statistic is the mean over the drawn (seed, category) pairs of
 * AP_method − AP_baseline. Pairing by seed index and by category removes what two methods share
 * (which categories are hard, which seed drew a lucky stage 1), so the interval measures the
 * difference, not the spread of either. The interval is the percentile interval
 * [q(α/2), q(1 − α/2)] of the replicates. The random stream is seeded: the same inputs give the
 * same interval.
 */
import { BalmsInputError } from '../util/errors.js';
import { Rng } from '../util/rng.js';

/** The arithmetic mean; NaN for an empty list. */
export function mean(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

/** The sample standard deviation (n − 1 in the denominator); 0 for a single value, NaN for none. */
export function sampleStd(values: readonly number[]): number {
  const n = values.length;
  if (n === 0) return NaN;
  if (n === 1) return 0;
  const m = mean(values);
  let s = 0;
  for (const v of values) s += (v - m) * (v - m);
  return Math.sqrt(s / (n - 1));
}

/** The q-quantile (0 ≤ q ≤ 1) with linear interpolation between order statistics (numpy's default). */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h), hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

export interface BootstrapOptions {
  /** Replicates (default 2000). */
  replicates?: number;
  /** 1 − confidence (default 0.05: a 95 % interval). */
  alpha?: number;
  seed?: number;
}

export interface BootstrapInterval {
  /** The observed mean difference over all (seed, category) pairs. */
  difference: number;
  low: number;
  high: number;
  replicates: number;
  alpha: number;
}

/**
 * Paired two-level bootstrap (see the file comment) of mean(method − baseline).
 * @param method per seed, the per-category AP of the metric's categories (same order in every row)
 * @param baseline the same for the baseline, same seeds × categories
 */
export function pairedBootstrap(method: readonly (readonly number[])[], baseline: readonly (readonly number[])[], opts: BootstrapOptions = {}): BootstrapInterval {
  const S = method.length;
  if (S === 0 || baseline.length !== S) throw new BalmsInputError(`pairedBootstrap: ${S} method seeds vs ${baseline.length} baseline seeds (need the same number, ≥ 1)`);
  const K = method[0]!.length;
  if (K === 0) throw new BalmsInputError('pairedBootstrap: no categories');
  const diff = new Float64Array(S * K);
  for (let s = 0; s < S; s++) {
    if (method[s]!.length !== K || baseline[s]!.length !== K) throw new BalmsInputError(`pairedBootstrap: seed ${s} has ${method[s]!.length} / ${baseline[s]!.length} categories, expected ${K}`);
    for (let k = 0; k < K; k++) diff[s * K + k] = method[s]![k]! - baseline[s]![k]!;
  }
  const B = opts.replicates ?? 2000, alpha = opts.alpha ?? 0.05;
  if (!Number.isInteger(B) || B < 1) throw new BalmsInputError(`pairedBootstrap: replicates must be an integer ≥ 1, got ${B}`);
  if (!(alpha > 0 && alpha < 1)) throw new BalmsInputError(`pairedBootstrap: alpha must be in (0, 1), got ${alpha}`);
  const rng = new Rng(opts.seed ?? 0);
  const stats = new Float64Array(B);
  for (let b = 0; b < B; b++) {
    let sum = 0;
    for (let s = 0; s < S; s++) {
      const row = rng.int(S) * K;
      for (let k = 0; k < K; k++) sum += diff[row + rng.int(K)]!;
    }
    stats[b] = sum / (S * K);
  }
  stats.sort();
  let total = 0;
  for (let i = 0; i < diff.length; i++) total += diff[i]!;
  return { difference: total / diff.length, low: quantile(stats, alpha / 2), high: quantile(stats, 1 - alpha / 2), replicates: B, alpha };
}
