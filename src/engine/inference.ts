/**
 * Runs a detector over a dataset's images and returns LVIS results records (boxes + RLE masks in the
 * original image frame), plus the per-image predictions for drawing.
 */
import type { DetectionResult, LvisDataset } from '../coco/index.js';
import { exampleBatches, type DetectionDataset, type ExampleTransform, type TrainingExample } from '../data/index.js';
import type { DetectorModel, InstancePredictions } from '../modeling/index.js';
import type { TrainConfig } from './config/trainConfig.js';
import { testTransform } from './exampleTransforms.js';
import { predictImages } from './predictImages.js';

export interface PredictOptions {
  transform: ExampleTransform;
  /** Only the first N images (dataset order); 0 = all. */
  maxImages?: number;
  batchSize?: number;
  /** Called after each batch with (images done, total). */
  onProgress?: (done: number, total: number) => void;
  /** Keep the raw predictions of the first N images (for overlays). */
  keepPredictions?: number;
  /**
   * The category id of each contiguous class of the detector (its training categories). Defaults to
   * the dataset's own categories, which is right only when they are the training categories.
   */
  categoryIds?: readonly number[];
}

export interface DatasetPredictions {
  results: DetectionResult[];
  imageIds: number[];
  kept: { example: TrainingExample; prediction: InstancePredictions }[];
  seconds: number;
}

/**
 * How a model trained under `cfg` predicts: its config's test transform, and the category id of
 * each of its contiguous classes (`categories`: its training categories, as a checkpoint stores them).
 */
export function predictionOptionsOf(cfg: TrainConfig, categories: readonly { id: number }[]): { transform: ExampleTransform; categoryIds: number[] } {
  return { transform: testTransform(cfg), categoryIds: categories.map((c) => c.id) };
}

/** Predicts every image of `dataset` (or the first `maxImages`): the one "predict a dataset" of balms. */
export async function predictDataset(detector: DetectorModel, dataset: DetectionDataset, opts: PredictOptions): Promise<DatasetPredictions> {
  const t0 = performance.now();
  const n = opts.maxImages && opts.maxImages > 0 ? Math.min(opts.maxImages, dataset.size) : dataset.size;
  const indices = Array.from({ length: n }, (_, i) => i);
  const categoryIds = opts.categoryIds ?? Array.from(dataset.categories.ids);
  const results: DetectionResult[] = [];
  const kept: DatasetPredictions['kept'] = [];
  let done = 0;
  const batches = exampleBatches(dataset, indices, { transform: opts.transform, seed: 0, batchSize: opts.batchSize ?? 1, prefetch: 2 });
  for await (const examples of batches) {
    const batch = await predictImages(detector, examples, categoryIds);
    examples.forEach((example, i) => {
      for (const r of batch.results[i]!) results.push(r);
      if (kept.length < (opts.keepPredictions ?? 0)) kept.push({ example, prediction: batch.predictions[i]! });
    });
    done += examples.length;
    opts.onProgress?.(done, n);
  }
  return { results, imageIds: indices.map((i) => dataset.imageIds[i]!), kept, seconds: (performance.now() - t0) / 1000 };
}

/** The ground truth restricted to `imageIds` (for evaluating on part of a val set). */
export function restrictGroundTruth(gt: LvisDataset, imageIds: readonly number[]): LvisDataset {
  if (imageIds.length === gt.images.length) return gt;
  const keep = new Set(imageIds);
  return {
    ...gt,
    images: gt.images.filter((im) => keep.has(im.id)),
    annotations: gt.annotations.filter((a) => keep.has(a.image_id)),
  };
}
