/**
 * Rebuilds a trained detector from a checkpoint alone: the checkpoint's header holds the full
 * training config, the training categories (index = contiguous class) and the class statistics the
 * classification loss was built from; the tensors hold the weights.
 */
import * as tf from '@tensorflow/tfjs';
import type { Detector } from '../modeling/index.js';
import type { ClassStats } from '../losses/index.js';
import { BalmsInputError } from '../util/errors.js';
import { buildModel } from './buildModel.js';
import { loadCheckpoint } from './checkpoint.js';
import { checkDetectorMeta } from './checkpointMeta.js';
import { resolveTrainConfig, type TrainConfig } from './config/trainConfig.js';
import type { JsonObject } from './config/configSchema.js';
import { loadModelWeights, type CheckpointCategory } from './trainer.js';

export interface LoadedDetector {
  detector: Detector;
  /** The training config stored in the checkpoint (re-validated). */
  config: TrainConfig;
  /** Training categories sorted by id; `categories[c]` is contiguous class c. */
  categories: CheckpointCategory[];
  classStats: ClassStats;
  /** Training iterations the weights have seen. */
  iteration: number;
}

export interface LoadDetectorOptions {
  /** Inference: minimum class score kept by the detector (default: the checkpoint's `model.roiHeads.scoreThreshold`). */
  scoreThreshold?: number;
  /** Inference: detections kept per image (default: the checkpoint's). */
  detectionsPerImage?: number;
}

/**
 * Loads a checkpoint (`last.ckpt`, `model_final.ckpt`) and returns the detector with its weights,
 * ready for `predictDataset`. Call `initBackend` first; the caller disposes the detector.
 * @throws BalmsInputError when the file is not a balms checkpoint, lacks the category metadata, or
 *   its weights do not fit the stored config.
 */
export function loadDetectorFromCheckpoint(path: string, opts: LoadDetectorOptions = {}): LoadedDetector {
  const ck = loadCheckpoint(path);
  try {
    const meta = ck.meta;
    if (typeof meta['config'] !== 'object' || meta['config'] === null) {
      throw new BalmsInputError('checkpoint has no training config in its header', { file: path, path: 'meta.config' });
    }
    const categories = meta['categories'] as CheckpointCategory[] | undefined;
    const stats = meta['classStats'] as { imageCount: number[]; instanceCount: number[]; numTrainImages: number } | undefined;
    if (!Array.isArray(categories) || !stats || !Array.isArray(stats.imageCount)) {
      throw new BalmsInputError('checkpoint has no category list / class statistics (written by an older balms): retrain or resume it once to rewrite it', {
        file: path,
        path: 'meta.categories',
      });
    }
    checkDetectorMeta(meta, path);
    if (stats.imageCount.length !== categories.length) {
      throw new BalmsInputError(`classStats has ${stats.imageCount.length} classes, categories ${categories.length}`, { file: path, path: 'meta.classStats' });
    }
    let config: TrainConfig;
    try {
      config = resolveTrainConfig({ overrides: meta['config'] as JsonObject });
    } catch (e) {
      if (e instanceof BalmsInputError) throw new BalmsInputError(`stored config: ${e.message}`, { file: path });
      throw e;
    }
    if (opts.scoreThreshold !== undefined) config.model.roiHeads.scoreThreshold = opts.scoreThreshold;
    if (opts.detectionsPerImage !== undefined) config.model.roiHeads.detectionsPerImage = opts.detectionsPerImage;
    const classStats: ClassStats = { imageCount: stats.imageCount, instanceCount: stats.instanceCount, numTrainImages: stats.numTrainImages };
    const { detector } = buildModel(config, categories.length, classStats);
    try {
      loadModelWeights(detector, ck.tensors, { strict: true, file: path });
    } catch (e) {
      detector.dispose();
      throw e;
    }
    const iteration = typeof meta['iteration'] === 'number' ? meta['iteration'] : 0;
    return { detector, config, categories, classStats, iteration };
  } finally {
    tf.dispose([...ck.tensors.values()]);
  }
}
