/**
 * A trained detector from a checkpoint's contents alone: the header holds the full training config,
 * the training categories (index = contiguous class) and the class statistics the classification
 * loss was built from; the tensors hold the weights. No file system (the page uses it too).
 */
import * as tf from '@tensorflow/tfjs';
import type { DetectorModel } from '../modeling/detectorModel.js';
import type { GraphBackbone } from '../modeling/graph/graphBackbone.js';
import { priorCountsOf, type ClassStats } from '../losses/classifierLoss.js';
import { BalmsInputError } from '../util/errors.js';
import { buildModel } from './buildModel.js';
import type { CheckpointContents } from './checkpointFormat.js';
import { checkDetectorMeta } from './checkpointMeta.js';
import { trainConfigFromJson, TYPED_SECTIONS, type TrainConfig } from './config/trainConfig.js';
import { deepMerge } from '../util/deepMerge.js';
import type { JsonObject } from './config/configSchema.js';
import { loadModelWeights } from './modelWeights.js';
import { pixelStatsOf } from './exampleTransforms.js';
import type { PixelStats } from '../data/normalize.js';
import type { CheckpointCategory } from './runCheckpoint.js';

export interface LoadedDetector {
  /**
   * The detector. Like during training, `detector.predict` takes images already normalised with
   * `pixelStats` (`normalizeImage(rgb, pixelStats)`; `testTransform(config)` does it for dataset
   * images), not raw 0–255 pixels: the run's one pixel normalisation is the data pipeline's.
   */
  detector: DetectorModel;
  /** The run's pixel statistics (`data.pixelMean` / `data.pixelStd`). */
  pixelStats: PixelStats;
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
  /** The frozen graph of a `model.type: "graph"` checkpoint (`loadConfigBackbone(checkpointConfig(…))`); the detector takes it over. */
  backbone?: GraphBackbone;
}

/**
 * Rebuilds the detector from a checkpoint's decoded contents (`decodeCheckpoint`), with its weights,
 * ready for `predict` / `predictAsync`. Disposes the checkpoint's tensors; the caller disposes the
 * detector. `file` names the checkpoint in messages.
 * @throws BalmsInputError when the checkpoint lacks the category metadata or its weights do not fit
 *   the stored config.
 */
export function detectorFromCheckpoint(ck: CheckpointContents, file: string, opts: LoadDetectorOptions = {}): LoadedDetector {
  let built = false;
  try {
    const meta = ck.meta;
    if (typeof meta['config'] !== 'object' || meta['config'] === null) {
      throw new BalmsInputError('checkpoint has no training config in its header', { file, path: 'meta.config' });
    }
    const categories = meta['categories'] as CheckpointCategory[] | undefined;
    const stats = meta['classStats'] as { imageCount: number[]; instanceCount: number[]; numTrainImages: number } | undefined;
    if (!Array.isArray(categories) || !stats || !Array.isArray(stats.imageCount)) {
      throw new BalmsInputError('checkpoint has no category list / class statistics (written by an older balms): retrain or resume it once to rewrite it', {
        file,
        path: 'meta.categories',
      });
    }
    checkDetectorMeta(meta, file);
    if (stats.imageCount.length !== categories.length) {
      throw new BalmsInputError(`classStats has ${stats.imageCount.length} classes, categories ${categories.length}`, { file, path: 'meta.classStats' });
    }
    const config = checkpointConfig(ck, file);
    if (opts.scoreThreshold !== undefined) config.model.roiHeads.scoreThreshold = opts.scoreThreshold;
    if (opts.detectionsPerImage !== undefined) config.model.roiHeads.detectionsPerImage = opts.detectionsPerImage;
    const classStats: ClassStats = { imageCount: stats.imageCount, instanceCount: stats.instanceCount, numTrainImages: stats.numTrainImages };
    const lossStats = meta['lossStats'] as ClassStats | undefined;
    if (!lossStats && priorCountsOf(config.loss) === 'sampled') {
      throw new BalmsInputError("the checkpoint was trained with loss.priorCounts 'sampled' but does not store the counts its loss was built from (written by an older balms): resume it once to rewrite it", { file, path: 'meta.lossStats' });
    }
    if (config.model.type === 'graph' && !opts.backbone) {
      throw new BalmsInputError('the checkpoint is a model on a frozen graph: load it with loadModelFromCheckpoint (it reads the graph from model.modelUrl)', { file, path: 'meta.config.model.type' });
    }
    const { detector } = buildModel(config, categories.length, classStats, { lossStats, categories }, opts.backbone);
    built = true;
    try {
      loadModelWeights(detector, ck.tensors, { strict: true, file });
    } catch (e) {
      detector.dispose();
      throw e;
    }
    const iteration = typeof meta['iteration'] === 'number' ? meta['iteration'] : 0;
    return { detector, pixelStats: pixelStatsOf(config), config, categories, classStats, iteration };
  } catch (e) {
    if (!built) opts.backbone?.dispose();
    throw e;
  } finally {
    tf.dispose([...ck.tensors.values()]);
  }
}

/** The training config stored in a checkpoint's header, re-validated. */
export function checkpointConfig(ck: CheckpointContents, file: string): TrainConfig {
  const meta = ck.meta;
  if (typeof meta['config'] !== 'object' || meta['config'] === null) {
    throw new BalmsInputError('checkpoint has no training config in its header', { file, path: 'meta.config' });
  }
  try {
    return trainConfigFromJson(deepMerge({}, meta['config'] as JsonObject, { typed: TYPED_SECTIONS }));
  } catch (e) {
    if (e instanceof BalmsInputError) throw new BalmsInputError(`stored config: ${e.message}`, { file });
    throw e;
  }
}
