import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RepeatFactorSampler } from '../../src/sampling/index.js';
import { DEFAULT_SYNTH_OPTIONS, DEFAULT_TRAIN_TRANSFORM, DetectionDataset, SamplerStream, exampleBatches, skipIndices, writeSynthDataset } from '../../src/data/index.js';

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

describe('SamplerStream + exampleBatches', () => {
  it('follows the sampler exactly and deterministically, whatever the prefetch depth', async () => {
    const direct = sampler().take(30);
    const run = async (prefetch: number) => {
      const out: string[][] = [];
      const ids: number[] = [];
      for await (const b of exampleBatches(ds, new SamplerStream(sampler(), { total: 30, chunk: 7 }), { batchSize: 4, prefetch, seed: 1, transform: DEFAULT_TRAIN_TRANSFORM })) {
        out.push(signature(b));
        ids.push(...b.map((e) => e.imageId));
      }
      return { out, ids };
    };
    const a = await run(0);
    expect(a.ids).toEqual([...direct].map((i) => ds.imageIds[i]));
    expect((await run(3)).out).toEqual(a.out);
  });

  it('resumes mid-run from stateAt(consumed) to the same batches', async () => {
    const bs = 3;
    const full: string[][] = [];
    let resumeFrom: ReturnType<SamplerStream['stateAt']> | undefined;
    const stream = new SamplerStream(sampler(), { total: 36, chunk: 5 });
    let consumed = 0;
    for await (const b of exampleBatches(ds, stream, { batchSize: bs, prefetch: 2, seed: 8, transform: DEFAULT_TRAIN_TRANSFORM })) {
      full.push(signature(b));
      consumed += b.length;
      if (consumed === 4 * bs) resumeFrom = stream.stateAt(consumed); // the checkpoint
    }
    const s2 = sampler();
    s2.setState(resumeFrom!.state);
    const rest: string[][] = [];
    const indices = skipIndices(new SamplerStream(s2, { total: 36 - 4 * bs + resumeFrom!.skip }), resumeFrom!.skip);
    for await (const b of exampleBatches(ds, indices, { batchSize: bs, prefetch: 1, seed: 8, startPosition: 4 * bs, transform: DEFAULT_TRAIN_TRANSFORM })) rest.push(signature(b));
    expect(rest).toEqual(full.slice(4));
  });
});
