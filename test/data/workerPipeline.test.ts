import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BalmsInputError } from '../../src/util/errors.js';
import { Rng } from '../../src/util/rng.js';
import { DetectionDataset, WorkerImagePipeline, encodePngRgb, exampleBatches, type TrainingExample } from '../../src/data/index.js';
import { IMAGENET_PIXEL_STATS } from '../../src/data/normalize.js';

const dir = mkdtempSync(join(tmpdir(), 'balms-worker-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const W = 20, H = 14; // prettier-ignore
const images = [1, 2, 3, 4, 5].map((id) => {
  const rgba = new Uint8Array(W * H * 4);
  for (let p = 0; p < W * H; p++) rgba.set([(p * 7 + id) & 255, (p * 3) & 255, id * 40, 255], p * 4);
  writeFileSync(join(dir, `${id}.png`), encodePngRgb(rgba, W, H));
  return { id, height: H, width: W, file_name: `${id}.png` };
});
images.push({ id: 6, height: H, width: W, file_name: 'gone.png' });
const ds = new DetectionDataset(
  { images, annotations: [{ id: 1, image_id: 2, category_id: 1, segmentation: [[1, 1, 8, 1, 8, 9]], bbox: [1, 1, 7, 8], area: 28 }], categories: [{ id: 1, name: 'a' }] },
  dir,
);
const transform = { shortSide: [10, 21, 28], maxSize: 0, flipProbability: 0.5, pixelStats: IMAGENET_PIXEL_STATS };

async function run(pipeline?: WorkerImagePipeline): Promise<TrainingExample[]> {
  const out: TrainingExample[] = [];
  for await (const b of exampleBatches(ds, [0, 1, 2, 3, 4, 1, 1, 0], { batchSize: 3, seed: 9, transform, pipeline })) out.push(...b);
  return out;
}

describe('WorkerImagePipeline', () => {
  let pool: WorkerImagePipeline;
  beforeAll(() => {
    pool = new WorkerImagePipeline(2);
  });
  afterAll(() => pool.close());

  it('produces exactly the examples of the inline pipeline', async () => {
    const [a, b] = [await run(), await run(pool)];
    expect(b.length).toBe(a.length);
    a.forEach((e, i) => {
      expect(b[i]!.image).toEqual(e.image);
      expect({ ...b[i]!, image: null }).toEqual({ ...e, image: null });
    });
  });

  it('reports a missing file as a BalmsInputError naming the image and path', async () => {
    const err = await ds.example(6, transform, new Rng(0), pool).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BalmsInputError);
    expect((err as Error).message).toMatch(/gone\.png: images\[5\] \(id 6\): image file not found/);
  });
});
