import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SYNTH_OPTIONS, DEFAULT_TRAIN_TRANSFORM, DetectionDataset, exampleBatches, writeSynthDataset } from '../../src/data/index.js';
import { RepeatFactorSampler, ResumableIndexStream, type IndexStreamState } from '../../src/sampling/index.js';
import { BalmsInputError } from '../../src/util/errors.js';

let dir: string;
let ds: DetectionDataset;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'balms-sampler-'));
  const s = await writeSynthDataset(dir, { ...DEFAULT_SYNTH_OPTIONS, trainImages: 40, valImages: 5, categories: 8, size: 48 });
  ds = await DetectionDataset.load(s.trainJson, s.trainImageDir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sampler = () => new RepeatFactorSampler({ imageCategories: ds.imageClasses() }, { threshold: 0.3, seed: 5 });
const signature = (b: { imageId: number; flipped: boolean; boxes: Float32Array }[]) => b.map((e) => `${e.imageId}${e.flipped ? 'f' : ''}:${e.boxes[0]?.toFixed(2)}`);

/** Consumes `batches` batches of `stream` through exampleBatches, calling `at(k)` after batch k (1-based). */
async function consume(stream: ResumableIndexStream, batches: number, prefetch: number, startBatch = 0, at?: (k: number) => void): Promise<string[][]> {
  const out: string[][] = [];
  const bs = stream.batchSize;
  for await (const b of exampleBatches(ds, stream, { batchSize: bs, prefetch, seed: 8, startPosition: startBatch * bs, transform: DEFAULT_TRAIN_TRANSFORM })) {
    stream.markConsumed();
    out.push(signature(b));
    at?.(startBatch + out.length);
    if (out.length === batches) break;
  }
  return out;
}

describe('ResumableIndexStream + exampleBatches', () => {
  it('follows the sampler exactly and deterministically, whatever the prefetch depth', async () => {
    const direct = sampler().take(32);
    const ids: number[] = [];
    for await (const b of exampleBatches(ds, new ResumableIndexStream(sampler(), { batchSize: 4 }), { batchSize: 4, prefetch: 0, seed: 1, transform: DEFAULT_TRAIN_TRANSFORM })) {
      ids.push(...b.map((e) => e.imageId));
      if (ids.length === 32) break;
    }
    expect(ids).toEqual([...direct].map((i) => ds.imageIds[i]));
    expect(await consume(new ResumableIndexStream(sampler(), { batchSize: 4 }), 8, 3)).toEqual(await consume(new ResumableIndexStream(sampler(), { batchSize: 4 }), 8, 0));
  });

  it('resumes mid-run from resumeState() to the same batches, repeat-factor changes included, holding a bounded number of states', async () => {
    const n = ds.imageClasses().length;
    const factors = (k: number) => Array.from({ length: n }, (_, i) => 1 + ((i * 7 + k) % 5) / 2);
    const bs = 3, prefetch = 2, total = 14;
    let saved: IndexStreamState | undefined;
    let maxHeld = 0;
    const stream = new ResumableIndexStream(sampler(), { batchSize: bs });
    // every 2 batches a change of factors, as the Meta Sampler's refresh does; the checkpoint after batch 5
    const every = (s: ResumableIndexStream) => (k: number) => {
      maxHeld = Math.max(maxHeld, s.heldStates());
      if (k % 2 === 0) s.scheduleRepeatFactors(factors(k), k + prefetch + 2);
      if (k === 5) saved = JSON.parse(JSON.stringify(s.resumeState())) as IndexStreamState;
    };
    const full = await consume(stream, total, prefetch, 0, every(stream));
    expect(saved!.scheduled.length).toBeGreaterThan(0);
    expect(maxHeld).toBeLessThanOrEqual(prefetch + 2);
    const s2 = sampler();
    s2.setState(saved!.sampler);
    const resumed = new ResumableIndexStream(s2, { batchSize: bs, startBatch: 5, scheduled: saved!.scheduled });
    const rest = await consume(resumed, total - 5, 1, 5, every(resumed));
    expect(rest).toEqual(full.slice(5));
  });

  it('refuses a change for a batch already drawn, and a sampler without repeat factors', () => {
    const s = new ResumableIndexStream(sampler(), { batchSize: 2 });
    const it = s[Symbol.iterator]();
    for (let i = 0; i < 5; i++) it.next(); // 3 batches drawn
    expect(() => s.scheduleRepeatFactors([1], 2)).toThrow(BalmsInputError);
    const plain = new ResumableIndexStream({ take: () => new Int32Array(2), getState: () => ({}), setState: () => {} } as never, { batchSize: 2 });
    expect(() => plain.scheduleRepeatFactors([1], 5)).toThrow(/no repeat factors/);
  });
});
