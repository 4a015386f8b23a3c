/**
 * The coco-ssd branches of `balms train`, `predict` and `eval`: a config with
 * `model.type: "coco_ssd"` trains balms's RoI heads on a frozen coco-ssd; a checkpoint of kind
 * `balms-coco-ssd-head` predicts with the coco-ssd model it names.
 */
import { join, resolve } from 'node:path';
import type { DetectionResult, LvisDataset } from '../coco/types.js';
import type { DetectionDataset } from '../data/index.js';
import type { JsonObject } from '../engine/config/configSchema.js';
import { loadCocoSsdHead, predictCocoSsdDataset, resolveCocoSsdConfig, trainCocoSsd } from '../engine/cocoSsd/index.js';
import { ProgressBar } from '../engine/progressBar.js';
import type { CheckpointCategory } from '../engine/index.js';
import { writeFileAtomic } from '../util/atomicWrite.js';
import { BalmsInputError } from '../util/errors.js';
import { startBackend } from './cliOptions.js';
import type { BackendPreference } from '../backends/index.js';
import { imagesFromFiles, imagesFromGroundTruth } from './imageInputs.js';
import { writeOverlays } from './overlayFiles.js';

interface TrainFlags {
  config?: string;
  set?: string[];
  resume?: boolean;
  'stop-after'?: string;
  'skip-eval'?: boolean;
  json?: boolean;
}

export async function trainCocoSsdCli(v: TrainFlags, overrides: JsonObject): Promise<number> {
  for (const flag of ['resume', 'stop-after'] as const) {
    if (v[flag] !== undefined) throw new BalmsInputError(`--${flag} is not supported for model.type "coco_ssd" configs (the head trains in minutes; rerun)`);
  }
  const cfg = resolveCocoSsdConfig({ file: v.config, sets: v.set ?? [], overrides });
  if (v['skip-eval']) (cfg['data'] as JsonObject)['valAnnotations'] = '';
  await startBackend(cfg['backend'] as BackendPreference);
  const r = await trainCocoSsd(cfg);
  r.detector.graph.dispose();
  r.detector.dispose();
  const summary = { outputDir: r.outputDir, iteration: r.iteration, finished: true, checkpoint: r.checkpoint, backend: r.backend, seconds: r.seconds, evaluation: r.evaluation };
  process.stdout.write(v.json ? JSON.stringify(summary) + '\n' : `${JSON.stringify(summary, null, 1)}\n`);
  return 0;
}

async function withHead<T>(checkpoint: string, backend: BackendPreference, opts: { scoreThreshold?: number; detectionsPerImage?: number }, f: (det: Awaited<ReturnType<typeof loadCocoSsdHead>>) => Promise<T>): Promise<T> {
  await startBackend(backend);
  const loaded = await loadCocoSsdHead(checkpoint, opts);
  try {
    return await f(loaded);
  } finally {
    loaded.detector.graph.dispose();
    loaded.detector.dispose();
  }
}

async function predictAll(det: Awaited<ReturnType<typeof loadCocoSsdHead>>, dataset: DetectionDataset, categories: readonly CheckpointCategory[], quiet: boolean): Promise<DetectionResult[]> {
  const bar = new ProgressBar({ label: 'predict', total: dataset.imageIds.length, quiet });
  const results = await predictCocoSsdDataset(det.detector, dataset, categories.map((c) => c.id), (done) => bar.update(done));
  bar.finish();
  return results;
}

export interface CocoSsdPredictArgs {
  checkpoint: string;
  files: string[];
  gt?: LvisDataset;
  out: string;
  scoreThreshold?: number;
  maxDets?: number;
  backend: BackendPreference;
  quiet: boolean;
  overlays: boolean;
  overlayScore: number;
}

/** `balms predict` with a coco-ssd head checkpoint. */
export async function predictCocoSsdCli(a: CocoSsdPredictArgs): Promise<number> {
  return withHead(a.checkpoint, a.backend, { scoreThreshold: a.scoreThreshold, detectionsPerImage: a.maxDets }, async (loaded) => {
    const inputs = await imagesFromFiles(a.files, loaded.categories, a.gt);
    process.stderr.write(`balms predict: balms on coco-ssd (${loaded.meta.cocoSsd.modelUrl}), checkpoint at iteration ${loaded.iteration}, ${loaded.categories.length} classes, ${a.files.length} images\n`);
    const t0 = performance.now();
    const results = await predictAll(loaded, inputs.dataset, loaded.categories, a.quiet);
    const out = resolve(a.out);
    const resultsPath = join(out, 'results.json');
    writeFileAtomic(resultsPath, JSON.stringify(results) + '\n');
    writeFileAtomic(join(out, 'images.json'), JSON.stringify(inputs.images.map(({ id, file, height, width }) => ({ id, file, height, width })), null, 1) + '\n');
    const overlayImages = a.overlays ? (await writeOverlays(inputs.dataset, results, join(out, 'overlays'), a.overlayScore)).length : 0;
    process.stdout.write(
      JSON.stringify({ images: a.files.length, detections: results.length, results: resultsPath, overlays: a.overlays ? join(out, 'overlays') : null, overlayImages, seconds: (performance.now() - t0) / 1000 }) + '\n',
    );
    return 0;
  });
}

/** `balms eval --checkpoint` with a coco-ssd head checkpoint: its detections over the ground truth's images. */
export async function cocoSsdDetectionsForEval(checkpoint: string, gt: LvisDataset, gtFile: string, imageDir: string, backend: BackendPreference, quiet: boolean): Promise<DetectionResult[]> {
  return withHead(checkpoint, backend, {}, async (loaded) => {
    const dataset = imagesFromGroundTruth(gt, imageDir, loaded.categories, gtFile);
    process.stderr.write(`balms eval: running the coco-ssd head (iteration ${loaded.iteration}, ${loaded.categories.length} classes) over ${gt.images.length} images\n`);
    return predictAll(loaded, dataset, loaded.categories, quiet);
  });
}
