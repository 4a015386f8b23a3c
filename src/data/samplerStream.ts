import type { IndexSampler, SamplerState } from '../sampling/index.js';
import { BalmsInputError } from '../util/errors.js';

export interface SamplerStreamOptions {
  /** Stop after this many indices (default: endless). */
  total?: number;
  /** Indices drawn from the sampler per `take` (default 64). */
  chunk?: number;
}

/**
 * A sampler's endless index stream as an `Iterable<number>` for `exampleBatches`, remembering
 * the sampler state before each chunk it draws. Because prefetching draws indices ahead of
 * training, a checkpoint must not save the sampler's current state; it saves
 * `stateAt(examplesConsumed)` instead, and a resumed run restores that state and skips `skip`
 * indices (with `exampleBatches`' `startPosition = examplesConsumed`) to continue exactly.
 */
export class SamplerStream implements Iterable<number> {
  private readonly marks: Array<{ position: number; state: SamplerState }> = [];
  private readonly total: number;
  private readonly chunk: number;
  private started = false;

  constructor(
    private readonly sampler: IndexSampler,
    opts: SamplerStreamOptions = {},
  ) {
    this.total = opts.total ?? Infinity;
    this.chunk = opts.chunk ?? 64;
    if (!(this.total >= 0)) throw new BalmsInputError(`total must be ≥ 0, got ${opts.total}`);
    if (!Number.isInteger(this.chunk) || this.chunk < 1) throw new BalmsInputError(`chunk must be a positive integer, got ${opts.chunk}`);
  }

  *[Symbol.iterator](): Iterator<number> {
    if (this.started) throw new BalmsInputError('SamplerStream can be iterated once');
    this.started = true;
    let position = 0;
    while (position < this.total) {
      this.marks.push({ position, state: this.sampler.getState() });
      const n = Math.min(this.chunk, this.total - position);
      const idx = this.sampler.take(n);
      for (let i = 0; i < idx.length; i++) {
        yield idx[i]!;
        position++;
      }
    }
  }

  /**
   * The sampler state from which the index at `position` (0-based, counted from the start of
   * this stream) is drawn again after skipping `skip` indices. Only positions already drawn can
   * be asked for; older marks are kept, so any earlier position works too.
   */
  stateAt(position: number): { state: SamplerState; skip: number } {
    let best: { position: number; state: SamplerState } | undefined;
    for (const m of this.marks) if (m.position <= position) best = m;
    if (!best) throw new BalmsInputError(`no sampler state recorded at or before position ${position}`);
    return { state: best.state, skip: position - best.position };
  }
}

/** Skips the first `n` values of an iterable. */
export function* skipIndices(it: Iterable<number>, n: number): Generator<number> {
  let k = 0;
  for (const v of it) if (k++ >= n) yield v;
}
