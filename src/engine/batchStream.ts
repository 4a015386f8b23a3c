/**
 * The training batch stream: a sampler's index stream, decoded and augmented ahead of time, in a
 * deterministic order that a checkpoint can resume exactly. Example k of the run (over all batches)
 * draws its augmentation from `exampleSeed(seed, k)`, whatever the prefetch timing; the sampler's
 * state is recorded before each batch is drawn, so a checkpoint after batch b stores the state the
 * next draw starts from. Changes of repeat factors (the Meta Sampler) are scheduled for a batch
 * index beyond the prefetch window, so they never depend on timing either.
 */
import { exampleBatches, type DetectionDataset, type ExampleTransform, type ImagePipeline, type TrainingExample } from '../data/index.js';
import type { IndexSampler, SamplerState } from '../sampling/index.js';
import { BalmsInternalError } from '../util/errors.js';

export interface BatchStreamOptions {
  batchSize: number;
  /** Batches decoded ahead (≥ 0). */
  prefetch: number;
  transform: ExampleTransform;
  /** Augmentation seed. */
  seed: number;
  /** Index of the first batch (resume): augmentation continues at example `startBatch × batchSize`. */
  startBatch?: number;
  pipeline?: ImagePipeline;
}

/** A sampler whose per-image factors can be replaced (RFS under the Meta Sampler). */
export interface FactorSampler extends IndexSampler {
  setRepeatFactors(factors: ArrayLike<number>): void;
}

interface ScheduledFactors {
  batch: number;
  factors: number[];
}

export class TrainingBatchStream {
  /** Sampler state before drawing batch b, for the batches drawn and not yet consumed. */
  private readonly statesBefore = new Map<number, SamplerState>();
  private scheduled: ScheduledFactors[] = [];
  private consumed: number;
  private readonly iterator: AsyncGenerator<TrainingExample[], void, undefined>;

  constructor(
    readonly dataset: DetectionDataset,
    readonly sampler: IndexSampler,
    private readonly opts: BatchStreamOptions,
  ) {
    const start = opts.startBatch ?? 0;
    this.consumed = start;
    const self = this;
    function* indices(): Generator<number> {
      for (let b = start; ; b++) {
        self.applyScheduled(b);
        self.statesBefore.set(b, self.sampler.getState());
        const idx = self.sampler.take(opts.batchSize);
        for (let i = 0; i < idx.length; i++) yield idx[i]!;
      }
    }
    this.iterator = exampleBatches(dataset, indices(), {
      batchSize: opts.batchSize,
      prefetch: opts.prefetch,
      transform: opts.transform,
      seed: opts.seed,
      startPosition: start * opts.batchSize,
      pipeline: opts.pipeline,
    });
  }

  /** The next batch (batch number `consumedBatches()` before the call). */
  async next(): Promise<TrainingExample[]> {
    const r = await this.iterator.next();
    if (r.done) throw new BalmsInternalError('TrainingBatchStream: the sampler stream ended');
    this.statesBefore.delete(this.consumed - 1);
    this.consumed++;
    return r.value;
  }

  /** Batches handed out so far (including those before a resume). */
  consumedBatches(): number {
    return this.consumed;
  }

  /**
   * What a checkpoint needs to resume right after the batches consumed so far: the sampler state the
   * next batch is drawn from and the factor changes scheduled for later batches.
   */
  resumeState(): { sampler: SamplerState; scheduled: ScheduledFactors[] } {
    const next = this.consumed;
    const sampler = this.statesBefore.get(next) ?? this.sampler.getState();
    return { sampler, scheduled: this.scheduled.filter((s) => s.batch >= next).map((s) => ({ batch: s.batch, factors: s.factors.slice() })) };
  }

  /** Restores scheduled factor changes from `resumeState()` (call before the first `next`). */
  restoreScheduled(scheduled: readonly ScheduledFactors[]): void {
    this.scheduled = scheduled.map((s) => ({ batch: s.batch, factors: s.factors.slice() }));
  }

  /**
   * Replaces the sampler's repeat factors from batch `consumedBatches() + prefetch + 2` on: far
   * enough ahead that no batch from there has been drawn yet, so the run is the same for any timing.
   */
  scheduleRepeatFactors(factors: ArrayLike<number>): void {
    if (!('setRepeatFactors' in this.sampler)) throw new BalmsInternalError('TrainingBatchStream: this sampler has no repeat factors to change');
    this.scheduled.push({ batch: this.consumed + this.opts.prefetch + 2, factors: Array.from(factors) });
  }

  async close(): Promise<void> {
    await this.iterator.return(undefined);
  }

  private applyScheduled(batch: number): void {
    const due = this.scheduled.filter((s) => s.batch <= batch);
    if (!due.length) return;
    this.scheduled = this.scheduled.filter((s) => s.batch > batch);
    (this.sampler as FactorSampler).setRepeatFactors(due[due.length - 1]!.factors);
  }
}
