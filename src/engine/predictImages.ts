/**
 * The one prediction step: a batch of transformed images through a detector, to LVIS results
 * records (boxes + RLE masks in the original image frame). `predictDataset` (Node: every caller
 * that predicts a dataset) and the view page's in-page checkpoint run (`browser/modelRunner.ts`)
 * both call it. Browser-safe: it imports tfjs, the padding and the results conversion only.
 */
import * as tf from '@tensorflow/tfjs';
import type { DetectionResult } from '../coco/types.js';
import { padImages } from '../data/batch.js';
import type { TrainingExample } from '../data/detectionDataset.js';
import type { DetectorModel } from '../modeling/detectorModel.js';
import { toLvisResults } from '../modeling/lvisResults.js';
import type { InstancePredictions } from '../modeling/roiHeads.js';

/** What prediction needs of an example: the transformed image and how it maps back to the original. */
export type PredictInput = Pick<TrainingExample, 'imageId' | 'image' | 'height' | 'width' | 'origHeight' | 'origWidth' | 'scale'>;

/** Padding multiple for the backbone (its coarsest stride). */
export function sizeDivisibility(detector: Pick<DetectorModel, 'strides'>): number {
  return Math.max(...detector.strides);
}

/** Turns a batch of examples into the detector's image tensor (padded NHWC) and valid sizes. */
export function imageBatchOf(examples: readonly Pick<TrainingExample, 'image' | 'height' | 'width'>[], divisibility: number): { images: tf.Tensor4D; imageSizes: [number, number][] } {
  const p = padImages(examples, divisibility);
  return { images: tf.tensor4d(p.data, [p.n, p.height, p.width, 3]), imageSizes: p.sizes };
}

/**
 * Predicts `examples` (one batch) and converts each image's detections to LVIS results;
 * `categoryIds[k]` is the category id of the detector's contiguous class k.
 */
export async function predictImages(
  detector: DetectorModel,
  examples: readonly PredictInput[],
  categoryIds: readonly number[],
): Promise<{ results: DetectionResult[][]; predictions: InstancePredictions[] }> {
  const { images, imageSizes } = imageBatchOf(examples, sizeDivisibility(detector));
  let predictions: InstancePredictions[];
  try {
    predictions = await detector.predictAsync({ images, imageSizes });
  } finally {
    images.dispose();
  }
  const results = examples.map((ex, i) => toLvisResults(predictions[i]!, { imageId: ex.imageId, imageSize: [ex.origHeight, ex.origWidth], categoryIds, scale: ex.scale }));
  return { results, predictions };
}
