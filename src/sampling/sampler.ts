/**
 * The common interface of the balms samplers: an endless, seeded stream of dataset indices cut
 * into epochs, whose whole position can be saved (`getState`) and restored (`setState`) so a
 * resumed run draws exactly the indices the uninterrupted run would have drawn.
 */
import { BalmsInputError } from '../util/errors.js';
import { Rng, type RngState } from '../util/rng.js';

/** A JSON-serialisable sampler position. `kind` names the sampler class that wrote it. */
export interface SamplerState {
  kind: string;
  /** Index of the current epoch (0 for the first). */
  epoch: number;
  /** Indices of the current epoch already handed out. */
  position: number;
  rng: RngState;
  [extra: string]: unknown;
}

export interface IndexSampler {
  /** Size of the dataset the indices point into. */
  readonly numItems: number;
  /** Index of the current epoch (the one the next index comes from). */
  readonly epoch: number;
  /** The next `count` indices of the stream, crossing epoch boundaries as needed. */
  take(count: number): Int32Array;
  /** The rest of the current epoch (a whole epoch when at a boundary); the stream moves past it. */
  nextEpoch(): Int32Array;
  getState(): SamplerState;
  setState(state: SamplerState): void;
  /**
   * The expected number of draws of each item per `numItems` draws (only ratios matter): what the
   * sampler feeds training, e.g. for a loss prior that describes the sampled class distribution.
   */
  expectedDraws(): Float64Array;
}

export function checkSeed(seed: number | undefined): number {
  const s = seed ?? 0;
  if (!Number.isFinite(s)) throw new BalmsInputError(`seed must be a finite number, got ${seed}`);
  return s;
}

export function checkState(state: SamplerState, kind: string): void {
  if (!state || state.kind !== kind) {
    throw new BalmsInputError(`sampler state is for '${state?.kind}', expected '${kind}'`);
  }
  if (!Number.isInteger(state.epoch) || state.epoch < 0 || !Number.isInteger(state.position) || state.position < 0) {
    throw new BalmsInputError(`sampler state has a bad epoch/position (${state.epoch}/${state.position})`);
  }
}

/** Consecutive empty epochs after which a sampler gives up (all repeat factors ≈ 0). */
const MAX_EMPTY_EPOCHS = 10000;

/**
 * A sampler whose epochs are drawn whole (a permutation, a repeat-factor multiset). Its state is
 * the RNG state from before the current epoch was drawn plus the position in it: restoring
 * re-draws that epoch, which is exact because drawing depends only on the RNG and the sampler's
 * configuration (subclasses put any mutable configuration into `extraState`).
 */
export abstract class EpochSampler implements IndexSampler {
  abstract expectedDraws(): Float64Array;
  abstract readonly numItems: number;
  protected abstract readonly kind: string;
  protected readonly rng: Rng;
  private epochStartRng: RngState;
  private order: Int32Array | null = null;
  private pos = 0;
  private epochNo = -1;

  constructor(seed: number | undefined) {
    this.rng = new Rng(checkSeed(seed));
    this.epochStartRng = this.rng.getState();
  }

  /** Draws one epoch of indices with `rng`. */
  protected abstract drawEpoch(rng: Rng): Int32Array;
  protected extraState(): Record<string, unknown> {
    return {};
  }
  protected restoreExtra(_state: SamplerState): void {}

  get epoch(): number {
    return this.order !== null && this.pos < this.order.length ? this.epochNo : this.epochNo + 1;
  }

  /** Ends the current epoch now: the next index comes from a freshly drawn epoch. */
  restartEpoch(): void {
    if (this.order !== null) this.pos = this.order.length;
  }

  private ensureEpoch(): Int32Array {
    let empty = 0;
    while (this.order === null || this.pos >= this.order.length) {
      if (this.numItems === 0) throw new BalmsInputError('cannot sample from an empty dataset');
      this.epochStartRng = this.rng.getState();
      this.order = this.drawEpoch(this.rng);
      this.pos = 0;
      this.epochNo++;
      if (this.order.length === 0 && ++empty > MAX_EMPTY_EPOCHS) {
        throw new BalmsInputError(`${MAX_EMPTY_EPOCHS} consecutive empty epochs: are all repeat factors 0?`);
      }
    }
    return this.order;
  }

  take(count: number): Int32Array {
    if (!Number.isInteger(count) || count < 0) throw new BalmsInputError(`take: count must be an integer ≥ 0, got ${count}`);
    const out = new Int32Array(count);
    let k = 0;
    while (k < count) {
      const order = this.ensureEpoch();
      const m = Math.min(count - k, order.length - this.pos);
      out.set(order.subarray(this.pos, this.pos + m), k);
      this.pos += m;
      k += m;
    }
    return out;
  }

  nextEpoch(): Int32Array {
    const order = this.ensureEpoch();
    const rest = order.slice(this.pos);
    this.pos = order.length;
    return rest;
  }

  getState(): SamplerState {
    const atBoundary = this.order === null || this.pos >= this.order.length;
    return {
      ...this.extraState(),
      kind: this.kind,
      epoch: atBoundary ? this.epochNo + 1 : this.epochNo,
      position: atBoundary ? 0 : this.pos,
      rng: atBoundary ? this.rng.getState() : [...this.epochStartRng] as RngState,
    };
  }

  setState(state: SamplerState): void {
    checkState(state, this.kind);
    this.restoreExtra(state);
    this.rng.setState(state.rng);
    this.epochStartRng = this.rng.getState();
    this.epochNo = state.epoch - 1;
    this.order = null;
    this.pos = 0;
    if (state.position > 0) {
      const order = this.ensureEpoch();
      if (state.position > order.length) {
        throw new BalmsInputError(`sampler state position ${state.position} is past the epoch's ${order.length} indices`);
      }
      this.pos = state.position;
    }
  }
}
