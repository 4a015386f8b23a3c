/**
 * A sampler's endless index stream, batch by batch, that a checkpoint can resume exactly — the one
 * the trainer uses. Prefetching draws batches ahead of training, so the stream records the
 * sampler's state before each batch it draws and forgets it once the consumer has marked that
 * batch consumed (`markConsumed`): memory stays bounded by the prefetch depth, even when states
 * carry an N-length factor array (the Meta Sampler's repeat factors). Changes of repeat factors
 * are scheduled for a batch index not drawn yet, so they never depend on prefetch timing.
 *
 * Resume: save `resumeState()` with the checkpoint; on restart build the sampler, call
 * `sampler.setState(state.sampler)`, then `new ResumableIndexStream(sampler, { batchSize,
 * startBatch: consumed, scheduled: state.scheduled })` (and start `exampleBatches` at
 * `startPosition = consumed × batchSize` for the same augmentation).
 */
import { BalmsInputError } from '../util/errors.js';
import type { IndexSampler, SamplerState } from './sampler.js';

/** A sampler whose per-image factors can be replaced (RFS under the Meta Sampler). */
export interface FactorSampler extends IndexSampler {
  setRepeatFactors(factors: ArrayLike<number>): void;
}

/** A change of repeat factors that takes effect from batch `batch` on. */
export interface ScheduledFactors {
  batch: number;
  factors: number[];
}

/** What resumes a stream right after its consumed batches. */
export interface IndexStreamState {
  /** The sampler state the next batch is drawn from. */
  sampler: SamplerState;
  /** Factor changes scheduled for that batch or later ones. */
  scheduled: ScheduledFactors[];
}

export interface ResumableIndexStreamOptions {
  /** Indices per batch (≥ 1). */
  batchSize: number;
  /** Index of the first batch (resume; default 0). */
  startBatch?: number;
  /** Factor changes scheduled before a resume (`IndexStreamState.scheduled`). */
  scheduled?: readonly ScheduledFactors[];
}

export class ResumableIndexStream implements Iterable<number> {
  readonly batchSize: number;
  /** Sampler state before drawing batch b, for the batches drawn and not yet consumed. */
  private readonly statesBefore = new Map<number, SamplerState>();
  /** Factor changes for batches not consumed yet; `applied` once their batch is drawn. */
  private scheduled: (ScheduledFactors & { applied: boolean })[];
  private consumed: number;
  /** Batches drawn so far (including those before a resume). */
  private drawn: number;
  private started = false;

  constructor(
    readonly sampler: IndexSampler,
    opts: ResumableIndexStreamOptions,
  ) {
    if (!Number.isInteger(opts.batchSize) || opts.batchSize < 1) throw new BalmsInputError(`batchSize must be a positive integer, got ${opts.batchSize}`);
    const start = opts.startBatch ?? 0;
    if (!Number.isInteger(start) || start < 0) throw new BalmsInputError(`startBatch must be a non-negative integer, got ${opts.startBatch}`);
    this.batchSize = opts.batchSize;
    this.consumed = start;
    this.drawn = start;
    this.scheduled = (opts.scheduled ?? []).map((s) => ({ batch: s.batch, factors: s.factors.slice(), applied: false }));
  }

  /** The indices, `batchSize` per batch, endlessly; iterate once. */
  *[Symbol.iterator](): Iterator<number> {
    if (this.started) throw new BalmsInputError('a ResumableIndexStream can be iterated once');
    this.started = true;
    for (;;) {
      const b = this.drawn;
      this.applyScheduled(b);
      this.statesBefore.set(b, this.sampler.getState());
      this.drawn++;
      const idx = this.sampler.take(this.batchSize);
      for (let i = 0; i < idx.length; i++) yield idx[i]!;
    }
  }

  /** The consumer has taken batch `consumedBatches()` (its state is no longer needed). */
  markConsumed(): void {
    this.statesBefore.delete(this.consumed - 1);
    this.consumed++;
    this.scheduled = this.scheduled.filter((s) => s.batch >= this.consumed);
  }

  /** Batches consumed so far (including those before a resume). */
  consumedBatches(): number {
    return this.consumed;
  }

  /** Sampler states held (batches drawn ahead and not yet consumed, plus the last consumed one). */
  heldStates(): number {
    return this.statesBefore.size;
  }

  /**
   * What a checkpoint needs to resume right after the batches consumed so far: the sampler state
   * the next batch is drawn from and the factor changes scheduled for it and later batches —
   * those already applied to batches drawn ahead included, since that state predates them (a
   * change for the next batch itself is in the state and in the list: applying it again is a no-op).
   */
  resumeState(): IndexStreamState {
    const next = this.consumed;
    const sampler = this.statesBefore.get(next) ?? this.sampler.getState();
    return { sampler, scheduled: this.scheduled.filter((s) => s.batch >= next).map((s) => ({ batch: s.batch, factors: s.factors.slice() })) };
  }

  /** Replaces the sampler's repeat factors from batch `fromBatch` on, which must not be drawn yet. */
  scheduleRepeatFactors(factors: ArrayLike<number>, fromBatch: number): void {
    if (!('setRepeatFactors' in this.sampler)) throw new BalmsInputError('this sampler has no repeat factors to change (use a RepeatFactorSampler)');
    if (fromBatch < this.drawn) throw new BalmsInputError(`batch ${fromBatch} is already drawn (${this.drawn} drawn): schedule further ahead`);
    this.scheduled.push({ batch: fromBatch, factors: Array.from(factors), applied: false });
  }

  private applyScheduled(batch: number): void {
    const due = this.scheduled.filter((s) => !s.applied && s.batch <= batch);
    if (!due.length) return;
    for (const s of due) s.applied = true;
    (this.sampler as FactorSampler).setRepeatFactors(due[due.length - 1]!.factors);
  }
}
