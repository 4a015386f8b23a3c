import { describe, expect, it } from 'vitest';
import { prefetchBatches } from '../../src/data/index.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
/** A delay that differs wildly between positions, so loads finish out of order. */
const jitter = (pos: number) => ((pos * 7919) % 13) * 0.7;

async function collect<T>(gen: AsyncGenerator<T[]>, onBatch?: (b: T[]) => Promise<void>): Promise<T[][]> {
  const out: T[][] = [];
  for await (const b of gen) {
    out.push(b);
    if (onBatch) await onBatch(b);
  }
  return out;
}

describe('prefetchBatches', () => {
  const indices = Array.from({ length: 23 }, (_, i) => (i * 5) % 23);
  const expected = (bs: number) => {
    const out: Array<Array<[number, number]>> = [];
    for (let i = 0; i < indices.length; i += bs) out.push(indices.slice(i, i + bs).map((v, k) => [v, i + k]));
    return out;
  };

  it('yields stream order whatever the load timing, prefetch depth or concurrency', async () => {
    for (const [bs, prefetch, concurrency] of [[4, 0, 1], [4, 2, 4], [4, 5, 16], [1, 1, 1], [5, 3, 2]] as const) {
      const got = await collect(
        prefetchBatches(indices, async (index, pos) => {
          await sleep(jitter(pos));
          return [index, pos] as [number, number];
        }, { batchSize: bs, prefetch, concurrency }),
      );
      expect(got, `bs ${bs} prefetch ${prefetch} concurrency ${concurrency}`).toEqual(expected(bs));
    }
  });

  it('drops a final partial batch only when asked', async () => {
    const load = async (i: number) => i;
    expect((await collect(prefetchBatches([1, 2, 3, 4, 5], load, { batchSize: 2 }))).map((b) => b.length)).toEqual([2, 2, 1]);
    expect((await collect(prefetchBatches([1, 2, 3, 4, 5], load, { batchSize: 2, dropLast: true }))).map((b) => b.length)).toEqual([2, 2]);
  });

  it('accepts async index streams (e.g. a sampler that awaits)', async () => {
    async function* gen() {
      for (let i = 0; i < 7; i++) {
        await sleep(1);
        yield i * 10;
      }
    }
    const got = await collect(prefetchBatches(gen(), async (i) => i, { batchSize: 3 }));
    expect(got).toEqual([[0, 10, 20], [30, 40, 50], [60]]);
  });

  it('loads the next batches while the consumer is busy, but no more than the window', async () => {
    let started = 0;
    let maxAhead = 0;
    let consumed = 0;
    const bs = 3, prefetch = 2; // prettier-ignore
    await collect(
      prefetchBatches(Array.from({ length: 30 }, (_, i) => i), async () => {
        started++;
        maxAhead = Math.max(maxAhead, started - consumed);
        await sleep(1);
        return 0;
      }, { batchSize: bs, prefetch, concurrency: 8 }),
      async () => {
        consumed += bs;
        // the consumer "trains"; meanwhile the next `prefetch` batches are loaded
        for (let k = 0; k < 20 && started < Math.min(30, consumed + prefetch * bs); k++) await sleep(2);
        expect(started).toBe(Math.min(30, consumed + prefetch * bs));
      },
    );
    expect(maxAhead).toBeLessThanOrEqual(prefetch * bs + bs);
  });

  it('with prefetch 0 loads nothing until a batch is asked for', async () => {
    let started = 0;
    const gen = prefetchBatches([1, 2, 3, 4, 5, 6], async (i) => (started++, i), { batchSize: 2, prefetch: 0 });
    await gen.next();
    await sleep(5);
    expect(started).toBe(2);
    await gen.return(undefined);
  });

  it('surfaces a failed load at its own batch, after the earlier batches', async () => {
    const seen: number[][] = [];
    const run = collect(
      prefetchBatches([0, 1, 2, 3, 4, 5, 6], async (i) => {
        if (i === 4) throw new Error('boom at 4');
        return i;
      }, { batchSize: 2, prefetch: 3 }),
      async (b) => void seen.push(b),
    );
    await expect(run).rejects.toThrow('boom at 4');
    expect(seen).toEqual([[0, 1], [2, 3]]);
  });

  it('stops loading when the consumer breaks out', async () => {
    let started = 0;
    for await (const b of prefetchBatches(Array.from({ length: 1000 }, (_, i) => i), async (i) => (started++, i), { batchSize: 4, prefetch: 2 })) {
      if (b[0] === 8) break;
    }
    const at = started;
    await sleep(10);
    expect(started).toBe(at);
    expect(started).toBeLessThanOrEqual(12 + 8 + 4);
  });
});
