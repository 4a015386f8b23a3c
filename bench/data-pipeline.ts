/**
 * Does the model wait for data? Cost of decoding + transforming one example, and the time a
 * training loop spends blocked on the next batch, with the inline pipeline (decode on the main
 * thread, between steps) and with WorkerImagePipeline (decode on worker threads during steps).
 * The "model" is a synchronous busy loop of STEP ms per batch, like a tfjs cpu/wasm step.
 *   a) synth 128×128 PNGs at their own size (the default synthetic dataset), batch 4;
 *   b) 640×480 JPEGs (q90), resized to short side 400 / max 666 and flipped, batch 2 (LVIS-like).
 * Usage: npx tsx bench/data-pipeline.ts [--quick]   → bench/results/data-pipeline.json
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Jimp } from 'jimp';
import {
  DEFAULT_SYNTH_OPTIONS,
  DetectionDataset,
  IMAGENET_PIXEL_STATS,
  WorkerImagePipeline,
  exampleBatches,
  planSynthDataset,
  renderSynthImage,
  writeSynthDataset,
  type ExampleTransform,
  type ImagePipeline,
} from '../src/data/index.js';
import type { LvisDataset } from '../src/coco/types.js';
import { writeFileAtomic } from '../src/util/atomicWrite.js';
import { Rng } from '../src/util/rng.js';

const quick = process.argv.includes('--quick');
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    /* the model's synchronous work */
  }
}

async function perExample(ds: DetectionDataset, t: ExampleTransform, n: number): Promise<number> {
  const rng = new Rng(1);
  await ds.example(ds.imageIds[0]!, t, rng); // warm-up
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await ds.example(ds.imageIds[i % ds.size]!, t, rng);
  return (performance.now() - t0) / n;
}

async function trainLoop(ds: DetectionDataset, t: ExampleTransform, batchSize: number, batches: number, stepMs: number, pipeline?: ImagePipeline) {
  const idx = Array.from({ length: batches * batchSize }, (_, i) => i % ds.size);
  let wait = 0;
  const t0 = performance.now();
  let last = performance.now();
  let first = 0;
  let k = 0;
  for await (const _batch of exampleBatches(ds, idx, { batchSize, prefetch: 2, seed: 0, transform: t, pipeline })) {
    const now = performance.now();
    if (k === 0) first = now - last;
    else wait += now - last;
    busy(stepMs);
    last = performance.now();
    k++;
  }
  const total = performance.now() - t0 - first;
  return { stepMs, batches, waitPerBatchMs: wait / (batches - 1), wallPerBatchMs: total / (batches - 1) };
}

async function main() {
  const tmp = mkdtempSync(join(os.tmpdir(), 'balms-bench-data-'));
  const rows: Record<string, unknown>[] = [];
  try {
    // a) synthetic 128×128 PNG dataset
    const synth = await writeSynthDataset(join(tmp, 'synth'), { ...DEFAULT_SYNTH_OPTIONS, trainImages: quick ? 120 : 400, valImages: 20 });
    const dsA = await DetectionDataset.load(synth.trainJson, synth.trainImageDir);
    const tA: ExampleTransform = { shortSide: 0, maxSize: 0, flipProbability: 0.5, pixelStats: IMAGENET_PIXEL_STATS };
    // b) 640×480 JPEGs
    const n = quick ? 16 : 40;
    const plan = planSynthDataset({ ...DEFAULT_SYNTH_OPTIONS, trainImages: n, valImages: 1, size: 640 });
    const apps = plan.categories.map((c) => c.appearance);
    mkdirSync(join(tmp, 'jpeg'));
    const images: LvisDataset['images'] = [];
    for (const spec of plan.train) {
      const r = renderSynthImage(spec, apps, 640);
      const crop = Buffer.alloc(640 * 480 * 4);
      crop.set(r.rgba.subarray(0, 640 * 480 * 4));
      const jpg = await new Jimp({ data: crop, width: 640, height: 480 }).getBuffer('image/jpeg', { quality: 90 });
      writeFileSync(join(tmp, 'jpeg', `${spec.id}.jpg`), jpg);
      images.push({ id: spec.id, height: 480, width: 640, file_name: `${spec.id}.jpg` });
    }
    const dsB = new DetectionDataset({ images, annotations: [], categories: [{ id: 1, name: 'x' }] }, join(tmp, 'jpeg'));
    const tB: ExampleTransform = { shortSide: 400, maxSize: 666, flipProbability: 0.5, pixelStats: IMAGENET_PIXEL_STATS };

    const cases = [
      { name: 'synth 128 PNG', ds: dsA, t: tA, batch: 4, step: 100 },
      { name: '640x480 JPEG -> 400', ds: dsB, t: tB, batch: 2, step: 300 },
    ];
    const threads = Math.max(1, os.availableParallelism() - 1);
    for (const c of cases) {
      const ms = await perExample(c.ds, c.t, quick ? 20 : 60);
      const batches = quick ? 8 : 20;
      const inline = await trainLoop(c.ds, c.t, c.batch, batches, c.step);
      const pool = new WorkerImagePipeline(threads);
      await trainLoop(c.ds, c.t, c.batch, 3, 0, pool); // start the workers
      const worker = await trainLoop(c.ds, c.t, c.batch, batches, c.step, pool);
      await pool.close();
      rows.push({ case: c.name, batch: c.batch, perExampleMs: ms, stepMs: c.step, inlineWaitMs: inline.waitPerBatchMs, inlineWallMs: inline.wallPerBatchMs, workerThreads: threads, workerWaitMs: worker.waitPerBatchMs, workerWallMs: worker.wallPerBatchMs });
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const f = (v: unknown) => (typeof v === 'number' ? v.toFixed(1) : String(v));
  console.log('case                   batch  decode+transform ms/ex  step ms  inline wait/wall ms  workers  worker wait/wall ms');
  for (const r of rows) {
    console.log(
      `${String(r.case).padEnd(22)} ${f(r.batch).padStart(5)}  ${f(r.perExampleMs).padStart(22)}  ${f(r.stepMs).padStart(7)}  ${`${f(r.inlineWaitMs)} / ${f(r.inlineWallMs)}`.padStart(19)}  ${f(r.workerThreads).padStart(7)}  ${`${f(r.workerWaitMs)} / ${f(r.workerWallMs)}`.padStart(19)}`,
    );
  }
  const out = { date: new Date().toISOString(), cpu: os.cpus()[0]?.model, cores: os.cpus().length, node: process.version, quick, rows };
  writeFileAtomic(join(root, 'bench', 'results', 'data-pipeline.json'), JSON.stringify(out, null, 2) + '\n');
}

await main();
