/**
 * Sampled RoI features for decoupled stage 2: with everything but the classifier frozen, the box head's
 * output for the sampled RoIs is a constant, so the classifier (and the meta learners' one-step
 * look-ahead) train on `[R, D]` features and labels alone.
 */
import * as tf from '@tensorflow/tfjs';
import { flattenRois, type Detector, type InstanceTargets } from '../modeling/index.js';
import type { Rng } from '../util/rng.js';

export interface RoiFeatureBatch {
  /** `[R, D]` box-head features of the sampled RoIs (no gradient). */
  features: tf.Tensor2D;
  /** `[R]` int32 labels in `0..K` (K = background). */
  labels: tf.Tensor1D;
}

/**
 * Runs backbone → RPN proposals (training mode) → RoI sampling (512/image, 25 % fg by default) →
 * RoIAlign → box head. The caller disposes the returned tensors.
 */
export function roiFeatureBatch(
  detector: Detector,
  images: tf.Tensor4D,
  imageSizes: [number, number][],
  targets: readonly InstanceTargets[],
  rng: Rng,
): RoiFeatureBatch {
  return tf.tidy(() => {
    const feats = detector.features(images);
    const rpnOut = detector.rpn.apply(feats);
    const proposals = detector.rpn.proposals(rpnOut, imageSizes, true);
    const sampled = detector.roiHeads.sample(proposals, targets, rng);
    const rois = flattenRois(sampled.map((s) => s.boxes));
    const labels = new Int32Array(rois.batchIdx.length);
    let o = 0;
    for (const s of sampled) for (let i = 0; i < s.classes.length; i++) labels[o++] = s.classes[i]!;
    const pooled = detector.roiHeads.pool(feats, rois.boxes, rois.batchIdx, detector.config.roiHeads.pooledSize);
    const features = detector.roiHeads.boxHead.apply(pooled);
    return { features, labels: tf.tensor1d(labels, 'int32') };
  });
}
