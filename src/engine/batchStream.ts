/**
 * The training batch stream: a `ResumableIndexStream` (src/sampling) decoded and augmented ahead
 * of time by `exampleBatches`, in a deterministic order that a checkpoint can resume exactly.
 * Example k of the run (over all batches) draws its augmentation from `exampleSeed(seed, k)`,
 * whatever the prefetch timing. Repeat-factor changes (the Meta Sampler) take effect
 * `prefetch + 2` batches after the current one: far enough ahead that no batch from there has been
 * drawn yet.
 */
import { exampleBatches, type DetectionDataset, type ExampleTransform, type ImagePipeline, type TrainingExample } from '../data/index.js';
import { ResumableIndexStream, type IndexSampler, type IndexStreamState, type ScheduledFactors } from '../sampling/index.js';
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
  /** Factor changes scheduled before a resume (`resumeState().scheduled`). */
  scheduled?: readonly ScheduledFactors[];
  pipeline?: ImagePipeline;
}

export class TrainingBatchStream {
  readonly indices: ResumableIndexStream;
  private readonly iterator: AsyncGenerator<TrainingExample[], void, undefined>;

  constructor(
    readonly dataset: DetectionDataset,
    sampler: IndexSampler,
    private readonly opts: BatchStreamOptions,
  ) {
    const start = opts.startBatch ?? 0;
    this.indices = new ResumableIndexStream(sampler, { batchSize: opts.batchSize, startBatch: start, scheduled: opts.scheduled });
    this.iterator = exampleBatches(dataset, this.indices, {
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
    this.indices.markConsumed();
    return r.value;
  }

  /** Batches handed out so far (including those before a resume). */
  consumedBatches(): number {
    return this.indices.consumedBatches();
  }

  /** What a checkpoint needs to resume right after the batches consumed so far. */
  resumeState(): IndexStreamState {
    return this.indices.resumeState();
  }

  /** Replaces the sampler's repeat factors from batch `consumedBatches() + prefetch + 2` on. */
  scheduleRepeatFactors(factors: ArrayLike<number>): void {
    this.indices.scheduleRepeatFactors(factors, this.consumedBatches() + this.opts.prefetch + 2);
  }

  async close(): Promise<void> {
    await this.iterator.return(undefined);
  }
}
