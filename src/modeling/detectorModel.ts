/**
 * What the training engine asks of a detection model: the built-in `Detector` (backbone → FPN →
 * RPN → RoI heads, all trained) and the `GraphDetector` (a frozen tfjs GraphModel's feature maps
 * → trainable laterals, RPN and RoI heads) both implement it, so training, checkpoints, resume,
 * prediction, evaluation and comparison run through the same code for either.
 *
 * A step runs `prepare` (asynchronous work outside the gradient tape — a frozen graph's forward
 * pass; the built-in detector has none), then `computeLosses` (or `sampledRoiFeatures` in decoupled
 * stage 2) on the prepared batch inside the gradient function, then `release`.
 */
import type * as tf from '@tensorflow/tfjs';
import type { RngState } from '../util/rng.js';
import type { Rng } from '../util/rng.js';
import type { InstancePredictions, InstanceTargets, RoIHeads, RoiFeatureBatch, RoiLossOptions } from './roiHeads.js';
import type { ParameterStore } from './parameterStore.js';

/** Images `[N, H, W, 3]` as the data pipeline gives them; `imageSizes` the valid `[h, w]` of each (default: the full tensor). */
export interface ImageBatch {
  images: tf.Tensor4D;
  imageSizes?: [number, number][];
  /** Set by `DetectorModel.prepare` (e.g. a frozen graph's outputs); opaque to callers, freed by `release`. */
  prepared?: unknown;
}

export interface TrainingBatch extends ImageBatch {
  targets: InstanceTargets[];
}

export interface DetectorModel {
  /** Feature strides, finest first (the coarsest is the padding multiple of batched images). */
  readonly strides: number[];
  readonly store: ParameterStore;
  readonly roiHeads: RoIHeads;
  /** Every trainable parameter by stable name (the names checkpoints use). */
  variables(): Map<string, tf.Variable>;
  getRngState(): RngState;
  setRngState(state: RngState): void;
  /** Asynchronous work for a batch before the gradient step (none for the built-in detector). */
  prepare<B extends ImageBatch>(batch: B): Promise<B>;
  /** Frees what `prepare` added. */
  release(batch: ImageBatch): void;
  /** Named, weighted training losses of a prepared batch (call inside a gradient function). */
  computeLosses(batch: TrainingBatch, rng?: Rng, options?: RoiLossOptions): Record<string, tf.Scalar>;
  /** Decoupled stage 2's input: box-head features of the sampled RoIs of a prepared batch, with their labels. */
  sampledRoiFeatures(batch: TrainingBatch, rng?: Rng): RoiFeatureBatch;
  /** Detections per image, in each image's own frame (reads tensors with `await data()`). */
  predictAsync(batch: ImageBatch): Promise<InstancePredictions[]>;
  dispose(): void;
}
