/**
 * Class-aware sampling: each draw picks a class c with probability ∝ mass(c), then an item
 * uniformly among the items containing c (draws are independent, with replacement).
 * - mass(c) = n_c^q with n_c the number of items containing c gives the classic family
 *   (Kang et al. 2020, "Decoupling"): q = 1 instance-balanced (per class), q = 0.5 square-root,
 *   q = 0 class-balanced;
 * - any other masses can be set at any time (e.g. the Meta Sampler's n_c·σ(w_c)); they apply
 *   from the next draw.
 * Works over labels (one class per item) and over images (a category set per image: an image is
 * reachable from each of its categories; images without categories are never drawn).
 * An "epoch" is `epochSize` draws (default: the number of items).
 */
import { BalmsInputError } from '../util/errors.js';
import { Rng, type RngState } from '../util/rng.js';
import { indexItemClasses, type ItemClasses, type ItemClassesInput } from './itemClasses.js';
import { checkSeed, checkState, type IndexSampler, type SamplerState } from './sampler.js';

export interface ClassAwareSamplerOptions {
  seed?: number;
  /** Draws per epoch (default: number of items). */
  epochSize?: number;
  /** Fix the class-id range (ids ≥ numClasses are an error); default max id + 1. */
  numClasses?: number;
}

export interface ClassPowerSamplerOptions extends ClassAwareSamplerOptions {
  /** q in mass(c) = n_c^q (0 class-balanced, 0.5 square-root, 1 instance-balanced). */
  power: number;
}

export class ClassAwareSampler implements IndexSampler {
  readonly numItems: number;
  readonly numClasses: number;
  readonly epochSize: number;
  /** Items per class (n_c). */
  readonly classItemCount: Int32Array;
  private readonly ix: ItemClasses;
  private readonly rng: Rng;
  private cdf: Float64Array;
  private mass: Float64Array;
  private drawn = 0;

  /**
   * @param itemClasses labels (one per item) or per-image category-id sets
   * @param classMass mass(c) per class id (length numClasses), ≥ 0, not all 0 over classes with items
   * @example const s = new ClassAwareSampler(labels, counts.map(() => 1), { seed: 0 }); // class-balanced
   */
  constructor(itemClasses: ItemClassesInput | ItemClasses, classMass: ArrayLike<number>, opts: ClassAwareSamplerOptions = {}) {
    this.ix =
      'classItemCount' in itemClasses && 'itemStart' in itemClasses
        ? (itemClasses as ItemClasses)
        : indexItemClasses(itemClasses as ItemClassesInput, opts.numClasses);
    this.numItems = this.ix.numItems;
    this.numClasses = this.ix.numClasses;
    this.classItemCount = this.ix.classItemCount;
    this.epochSize = opts.epochSize ?? this.numItems;
    if (!Number.isInteger(this.epochSize) || this.epochSize < 1) {
      throw new BalmsInputError(`ClassAwareSampler: epochSize must be an integer ≥ 1, got ${opts.epochSize ?? this.numItems}`);
    }
    this.rng = new Rng(checkSeed(opts.seed));
    this.mass = new Float64Array(this.numClasses);
    this.cdf = new Float64Array(this.numClasses);
    this.setClassMass(classMass);
  }

  /** mass(c) = n_c^power; see the module comment. */
  static withPower(itemClasses: ItemClassesInput, opts: ClassPowerSamplerOptions): ClassAwareSampler {
    if (!Number.isFinite(opts.power)) throw new BalmsInputError(`ClassAwareSampler: power must be finite, got ${opts.power}`);
    const ix = indexItemClasses(itemClasses, opts.numClasses);
    const mass = Array.from(ix.classItemCount, (n) => (n > 0 ? Math.pow(n, opts.power) : 0));
    return new ClassAwareSampler(ix, mass, opts);
  }

  /** Replaces the class masses; the next draw uses them. */
  setClassMass(classMass: ArrayLike<number>): void {
    if (classMass.length !== this.numClasses) {
      throw new BalmsInputError(`ClassAwareSampler: ${classMass.length} class masses for ${this.numClasses} classes`);
    }
    let acc = 0;
    for (let c = 0; c < this.numClasses; c++) {
      const m = classMass[c]!;
      if (!Number.isFinite(m) || m < 0) throw new BalmsInputError(`ClassAwareSampler: classMass[${c}] = ${m} is not a finite number ≥ 0`);
      this.mass[c] = m;
      acc += this.ix.classItemCount[c]! > 0 ? m : 0; // a class without items can't be drawn
      this.cdf[c] = acc;
    }
    if (!(acc > 0)) throw new BalmsInputError('ClassAwareSampler: no class with items has a positive mass');
  }

  /** The class masses in use. */
  classMass(): Float64Array {
    return this.mass.slice();
  }

  /** Probability that one draw returns item i. */
  itemProbabilities(): Float64Array {
    const p = new Float64Array(this.numItems);
    const total = this.cdf[this.numClasses - 1]!;
    for (let c = 0; c < this.numClasses; c++) {
      const n = this.ix.classItemCount[c]!;
      if (n === 0) continue;
      const share = this.mass[c]! / total / n;
      for (let k = this.ix.classStart[c]!; k < this.ix.classStart[c + 1]!; k++) p[this.ix.classItemIds[k]!]! += share;
    }
    return p;
  }

  /** N · P(draw = i). */
  expectedDraws(): Float64Array {
    const p = this.itemProbabilities();
    for (let i = 0; i < p.length; i++) p[i]! *= this.numItems;
    return p;
  }

  get epoch(): number {
    return Math.floor(this.drawn / this.epochSize);
  }

  private drawOne(): number {
    const C = this.numClasses;
    const u = this.rng.next() * this.cdf[C - 1]!;
    let lo = 0, hi = C - 1; // first c with cdf[c] > u
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cdf[mid]! > u) hi = mid;
      else lo = mid + 1;
    }
    const start = this.ix.classStart[lo]!, n = this.ix.classStart[lo + 1]! - start;
    return this.ix.classItemIds[start + this.rng.int(n)]!;
  }

  take(count: number): Int32Array {
    if (!Number.isInteger(count) || count < 0) throw new BalmsInputError(`take: count must be an integer ≥ 0, got ${count}`);
    const out = new Int32Array(count);
    for (let k = 0; k < count; k++) out[k] = this.drawOne();
    this.drawn += count;
    return out;
  }

  nextEpoch(): Int32Array {
    return this.take(this.epochSize - (this.drawn % this.epochSize));
  }

  getState(): SamplerState {
    return {
      kind: 'class-aware',
      epoch: this.epoch,
      position: this.drawn % this.epochSize,
      rng: this.rng.getState(),
      classMass: Array.from(this.mass),
    };
  }

  setState(state: SamplerState): void {
    checkState(state, 'class-aware');
    if (!Array.isArray(state.classMass)) throw new BalmsInputError('class-aware sampler state: classMass must be an array');
    this.setClassMass(state.classMass as number[]);
    this.rng.setState(state.rng as RngState);
    this.drawn = state.epoch * this.epochSize + state.position;
  }
}

/** Class-balanced: every class (with items) equally likely per draw, then a uniform item of it. */
export function classBalancedSampler(itemClasses: ItemClassesInput, opts: ClassAwareSamplerOptions = {}): ClassAwareSampler {
  return ClassAwareSampler.withPower(itemClasses, { ...opts, power: 0 });
}

/** Square-root sampling: class c drawn with probability ∝ √n_c. */
export function squareRootSampler(itemClasses: ItemClassesInput, opts: ClassAwareSamplerOptions = {}): ClassAwareSampler {
  return ClassAwareSampler.withPower(itemClasses, { ...opts, power: 0.5 });
}
