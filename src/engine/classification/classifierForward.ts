/**
 * Inference passes of an image classifier over a whole set, in eval mode (BN running statistics),
 * normalised without augmentation, in batches of `eval.batchSize`: the pooled features (stage 2's
 * frozen-backbone features, computed once) and the predicted classes (evaluation).
 */
import * as tf from '@tensorflow/tfjs';
import { normalizeBatch, type ImageClassificationSet } from '../../data/classification/index.js';
import type { ImageClassifier } from '../../modeling/classification/index.js';
import type { ClassificationTrainConfig } from '../config/classificationConfig.js';

type ForwardConfig = Pick<ClassificationTrainConfig, 'data' | 'eval'>;

/** Calls `each(batchTensor, start)` for every batch of `set`, normalised. */
function forEachBatch(set: ImageClassificationSet, cfg: ForwardConfig, each: (x: tf.Tensor4D, start: number) => void): void {
  const n = set.labels.length, bs = cfg.eval.batchSize, H = set.height, W = set.width, C = set.channels;
  const buf = new Float32Array(Math.min(bs, n) * H * W * C);
  const stats = { mean: cfg.data.pixelMean, std: cfg.data.pixelStd };
  for (let start = 0; start < n; start += bs) {
    const m = Math.min(bs, n - start);
    const idx = Int32Array.from({ length: m }, (_, i) => start + i);
    normalizeBatch(set, idx, buf, stats);
    tf.tidy(() => each(tf.tensor4d(buf.subarray(0, m * H * W * C), [m, H, W, C]), start));
  }
}

/** [N, D] eval-mode features of every image of `set` (the caller disposes). */
export function imageFeatures(model: ImageClassifier, set: ImageClassificationSet, cfg: ForwardConfig): tf.Tensor2D {
  const parts: tf.Tensor2D[] = [];
  try {
    forEachBatch(set, cfg, (x) => void parts.push(tf.keep(model.features(x, { training: false }))));
    return tf.concat(parts, 0) as tf.Tensor2D;
  } finally {
    tf.dispose(parts);
  }
}

/** The top-1 class of every image of `set`. */
export function predictClasses(model: ImageClassifier, set: ImageClassificationSet, cfg: ForwardConfig): Int32Array {
  const out = new Int32Array(set.labels.length);
  forEachBatch(set, cfg, (x, start) => out.set(tf.argMax(model.logits(x, { training: false }), 1).dataSync() as Int32Array, start));
  return out;
}
