import { Rng } from '../util/rng.js';
import type { ExampleTransform } from './augment.js';
import { DetectionDataset, exampleSeed, inlineImagePipeline, type ImagePipeline, type TrainingExample } from './detectionDataset.js';
import { BalmsInputError } from '../util/errors.js';

export interface PrefetchOptions {
  batchSize: number;
  /**
   * Batches loaded ahead while the consumer works on the current one (default 2); the queue holds
   * at most `prefetch × batchSize` items. 0 loads a batch only when it is asked for.
   */
  prefetch?: number;
  /** Loads running at once (default: batchSize). */
  concurrency?: number;
  /** Drop a final partial batch (default false). */
  dropLast?: boolean;
}

/**
 * Groups `load(index, position)` results into batches while loading ahead: up to `prefetch`
 * further batches are being loaded (at most `concurrency` loads at a time) while the consumer
 * works on the current one. Order is the order of `indices`, whatever order loads finish in,
 * and `position` (0, 1, 2, … over the stream) is what a load should derive its randomness from,
 * so the output is the same for any prefetch depth or timing. A failed load surfaces, with its
 * own error, when its batch is reached. Breaking out of the loop stops further loads.
 */
export async function* prefetchBatches<T>(
  indices: Iterable<number> | AsyncIterable<number>,
  load: (index: number, position: number) => Promise<T>,
  options: PrefetchOptions,
): AsyncGenerator<T[], void, undefined> {
  const batchSize = options.batchSize;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new BalmsInputError(`batchSize must be a positive integer, got ${batchSize}`);
  const prefetch = options.prefetch ?? 2;
  if (!Number.isInteger(prefetch) || prefetch < 0) throw new BalmsInputError(`prefetch must be a non-negative integer, got ${prefetch}`);
  const concurrency = options.concurrency ?? batchSize;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new BalmsInputError(`concurrency must be a positive integer, got ${concurrency}`);
  const window = prefetch * batchSize;

  const iter: Iterator<number> | AsyncIterator<number> =
    Symbol.asyncIterator in indices ? (indices as AsyncIterable<number>)[Symbol.asyncIterator]() : (indices as Iterable<number>)[Symbol.iterator]();
  const queue: Array<Promise<T>> = []; // items not yet handed out, in stream order
  const waiting: Array<() => void> = []; // loads queued behind the concurrency limit
  let inFlight = 0;
  let exhausted = false;
  let closed = false;
  let pullError: { error: unknown } | undefined;
  let demand = 0; // batchSize while the consumer waits for a batch
  const itemAdded = new Signal();
  const roomMade = new Signal();

  const startWaiting = (): void => {
    while (!closed && inFlight < concurrency && waiting.length > 0) {
      inFlight++;
      waiting.shift()!();
    }
  };

  // The producer: pulls indices while the window has room and queues their loads.
  const pump = async (): Promise<void> => {
    let position = 0;
    try {
      while (!closed) {
        if (queue.length >= Math.max(window, demand)) {
          await roomMade.wait();
          continue;
        }
        const r = await iter.next();
        if (r.done || closed) break;
        const index = r.value;
        const pos = position++;
        let resolve!: (v: T) => void;
        let reject!: (e: unknown) => void;
        const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
        promise.catch(() => undefined); // surfaced when its batch is consumed, never "unhandled"
        queue.push(promise);
        waiting.push(() => {
          let p: Promise<T>;
          try {
            p = load(index, pos);
          } catch (e) {
            p = Promise.reject(e);
          }
          p.then(resolve, reject).finally(() => {
            inFlight--;
            startWaiting();
          });
        });
        startWaiting();
        itemAdded.notify();
      }
    } catch (e) {
      pullError = { error: e };
    }
    exhausted = true;
    itemAdded.notify();
  };
  const pumping = pump();

  try {
    for (;;) {
      if (queue.length < batchSize && !exhausted) {
        demand = batchSize;
        roomMade.notify();
        while (queue.length < batchSize && !exhausted) await itemAdded.wait();
        demand = 0;
      }
      if (pullError) throw pullError.error;
      if (queue.length === 0) return;
      if (queue.length < batchSize && options.dropLast) return;
      const batch = queue.splice(0, batchSize);
      roomMade.notify();
      yield await Promise.all(batch);
    }
  } finally {
    closed = true;
    waiting.length = 0;
    roomMade.notify();
    await pumping;
    if (typeof iter.return === 'function') await iter.return();
  }
}

/** A one-shot broadcast: `wait()` resolves at the next `notify()`. */
class Signal {
  private waiters: Array<() => void> = [];
  wait(): Promise<void> {
    return new Promise((r) => this.waiters.push(r));
  }
  notify(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const r of w) r();
  }
}

export interface ExampleStreamOptions extends PrefetchOptions {
  transform: ExampleTransform;
  /** Seed of the augmentation stream; example k uses `exampleSeed(seed, startPosition + k)`. */
  seed: number;
  /** Position of the first index in the whole run (to resume a run; default 0). */
  startPosition?: number;
  pipeline?: ImagePipeline;
}

/**
 * Batches of training examples for a stream of dataset indices (positions in
 * `dataset.imageIds`, e.g. from a sampler), decoded ahead of time. Deterministic for a given
 * seed and index stream.
 */
export function exampleBatches(
  dataset: DetectionDataset,
  indices: Iterable<number> | AsyncIterable<number>,
  options: ExampleStreamOptions,
): AsyncGenerator<TrainingExample[], void, undefined> {
  const pipeline = options.pipeline ?? inlineImagePipeline;
  const start = options.startPosition ?? 0;
  return prefetchBatches(
    indices,
    (index, position) => {
      const id = dataset.imageIds[index];
      if (id === undefined) return Promise.reject(new BalmsInputError(`sampler index ${index} out of range [0, ${dataset.size})`));
      return dataset.example(id, options.transform, new Rng(exampleSeed(options.seed, start + position)), pipeline);
    },
    options,
  );
}
