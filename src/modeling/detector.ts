/**
 * A small, complete Mask R-CNN that trains from scratch: backbone → optional FPN → RPN → RoI
 * heads. All parameters are `tf.Variable`s in one `ParameterStore` with stable names
 * (`backbone/stage1/conv1/kernel`, `rpn/head/conv/bias`, `roi_heads/box_predictor/cls_score/kernel`, …).
 * `computeLosses(batch)` is synchronous and differentiable, so it can be minimised directly
 * (`optimizer.minimize(() => total(detector.computeLosses(batch)), false, detector.trainableVariables())`).
 */
import * as tf from '@tensorflow/tfjs';
import { createClassifierLoss, type ClassStats } from '../losses/index.js';
import { BalmsInputError } from '../util/errors.js';
import { Rng, type RngState } from '../util/rng.js';
import { Backbone } from './backbone.js';
import type { DetectorModel, ImageBatch, TrainingBatch } from './detectorModel.js';
import type { RoiClassifierLoss } from './roiClassifierLoss.js';
import { featureStrides, resolveDetectorConfig, type DetectorConfig, type DetectorConfigInput } from './config.js';
import { Fpn } from './fpn.js';
import { ParameterStore } from './parameterStore.js';
import { RoIHeads, type FeatureLevel, type InstancePredictions, type RoiFeatureBatch, type RoiLossOptions } from './roiHeads.js';
import { Rpn } from './rpn.js';
import { readAsync, readSync, type TensorReads } from './tensorReads.js';

export type { ImageBatch, TrainingBatch } from './detectorModel.js';

/** Named parameter subsets for `trainableVariables` (name prefixes). */
export const TRAINABLE_SUBSETS: Record<string, readonly string[]> = {
  all: [''],
  /** Decoupled stage 2 (BALMS `DECOUPLE_TRAINING`): only the classification layer. */
  classifier: ['roi_heads/box_predictor/cls_score/'],
  roi_heads: ['roi_heads/'],
  rpn: ['rpn/'],
  backbone: ['backbone/', 'fpn/'],
};

export interface DetectorOptions {
  /** The RoI classification loss (any `createClassifierLoss` result, or another implementation). */
  classifierLoss?: RoiClassifierLoss;
  /** Training-set class statistics: without `classifierLoss`, the default Balanced Softmax is built from them. */
  classStats?: ClassStats;
  /** Seeds parameter initialisation (default 0). */
  seed?: number;
  /** Seeds anchor / RoI sampling (default seed + 1). */
  samplingSeed?: number;
  /** Initial bias of the class logits (e.g. −log((1−p)/p) for sigmoid-family losses; default 0). */
  clsBiasInit?: number;
}

export class Detector implements DetectorModel {
  readonly config: DetectorConfig;
  readonly store: ParameterStore;
  readonly backbone: Backbone;
  readonly fpn: Fpn | null;
  readonly rpn: Rpn;
  readonly roiHeads: RoIHeads;
  readonly strides: number[];
  /** Drives anchor and RoI sampling; save/restore with `getRngState`/`setRngState`. */
  private rng: Rng;

  constructor(config: DetectorConfigInput | DetectorConfig, opts: DetectorOptions) {
    this.config = resolveDetectorConfig(config as DetectorConfigInput);
    const cfg = this.config;
    const seed = opts.seed ?? 0;
    this.store = new ParameterStore(new Rng(seed));
    this.rng = new Rng(opts.samplingSeed ?? seed + 1);
    this.backbone = new Backbone(this.store, cfg.backbone);
    this.strides = featureStrides(cfg);
    let channels: number;
    if (cfg.fpn.enabled) {
      const levels = cfg.fpn.inStages.map((s) => s + 2);
      this.fpn = new Fpn(this.store, cfg.fpn.inStages.map((s) => cfg.backbone.stageChannels[s]!), levels, cfg.fpn.channels);
      channels = cfg.fpn.channels;
    } else {
      this.fpn = null;
      channels = cfg.backbone.stageChannels[cfg.backbone.stageChannels.length - 1]!;
    }
    this.rpn = new Rpn(this.store, cfg.rpn, cfg.anchors, this.strides, channels);
    this.roiHeads = new RoIHeads({ store: this.store, config: cfg.roiHeads, numClasses: cfg.numClasses, inChannels: channels, classifierLoss: classifierLossOf(opts, cfg.numClasses), clsBiasInit: opts.clsBiasInit ?? 0 });
  }

  /** Every parameter by stable name. */
  variables(): Map<string, tf.Variable> {
    return this.store.variables();
  }

  /** Parameters of a named subset (`TRAINABLE_SUBSETS`) or of explicit name prefixes. */
  trainableVariables(subset: string | readonly string[] = 'all'): tf.Variable[] {
    const prefixes = typeof subset === 'string' ? TRAINABLE_SUBSETS[subset] : subset;
    if (!prefixes) throw new BalmsInputError(`Detector: unknown parameter subset '${subset as string}' (known: ${Object.keys(TRAINABLE_SUBSETS).join(', ')})`);
    return this.store.select(prefixes);
  }

  getRngState(): RngState {
    return this.rng.getState();
  }

  setRngState(state: RngState): void {
    this.rng.setState(state);
  }

  /** Nothing to do before a step: the whole network is on the gradient tape. */
  prepare<B extends ImageBatch>(batch: B): Promise<B> {
    return Promise.resolve(batch);
  }

  release(_batch: ImageBatch): void {}

  /** Feature levels (finest first) for a raw-pixel batch. */
  features(images: tf.Tensor4D): FeatureLevel[] {
    const cfg = this.config;
    const x = tf.div(tf.sub(images, tf.tensor1d(cfg.pixelMean)), tf.tensor1d(cfg.pixelStd)) as tf.Tensor4D;
    const stages = this.backbone.apply(x);
    const maps = this.fpn ? this.fpn.apply(cfg.fpn.inStages.map((s) => stages[s]!)) : [stages[stages.length - 1]!];
    return maps.map((features, i) => ({ features, stride: this.strides[i]! }));
  }

  /**
   * All training losses as named scalars (`loss_rpn_cls`, `loss_rpn_loc`, `loss_cls`,
   * `loss_box_reg`, `loss_mask`), each already weighted. Call inside a gradient function.
   * `options.classWeights` reweights the classification loss per class (Meta Reweighter).
   */
  computeLosses(batch: TrainingBatch, rng: Rng = this.rng, options: RoiLossOptions = {}): Record<string, tf.Scalar> {
    const sizes = imageSizesOf(batch);
    if (batch.targets.length !== batch.images.shape[0]) throw new BalmsInputError(`Detector: ${batch.targets.length} targets for ${batch.images.shape[0]} images`);
    return tf.tidy(() => {
      const feats = this.features(batch.images);
      const rpnOut = this.rpn.apply(feats);
      const rpnLosses = this.rpn.losses(rpnOut, batch.targets.map((t) => t.boxes), rng);
      const proposals = this.rpn.proposals(rpnOut, sizes, true);
      const roiLosses = this.roiHeads.losses(feats, proposals, batch.targets, rng, options);
      return { ...rpnLosses, ...roiLosses };
    });
  }

  /**
   * Decoupled stage 2's input: backbone → RPN proposals (training mode) → RoI sampling → box-head
   * features of the sampled RoIs, with their labels (no RPN loss, so no anchor sampling). With all
   * but the classifier frozen these are constants; the caller disposes them.
   */
  sampledRoiFeatures(batch: TrainingBatch, rng: Rng = this.rng): RoiFeatureBatch {
    const sizes = imageSizesOf(batch);
    if (batch.targets.length !== batch.images.shape[0]) throw new BalmsInputError(`Detector: ${batch.targets.length} targets for ${batch.images.shape[0]} images`);
    return tf.tidy(() => {
      const feats = this.features(batch.images);
      const proposals = this.rpn.proposals(this.rpn.apply(feats), sizes, true);
      const { features, labels } = this.roiHeads.sampledBoxFeatures(feats, proposals, batch.targets, rng);
      return { features, labels };
    });
  }

  /** Detections per image, masks as `M×M` probabilities (see `toLvisResults` for image-space RLEs). */
  predict(batch: ImageBatch): InstancePredictions[] {
    return readSync(this.predictSteps(batch));
  }

  /** `predict` reading tensors with `await data()`: no `dataSync` (for webgl / webgpu in a page). */
  predictAsync(batch: ImageBatch): Promise<InstancePredictions[]> {
    return readAsync(this.predictSteps(batch));
  }

  private *predictSteps(batch: ImageBatch): TensorReads<InstancePredictions[]> {
    const sizes = imageSizesOf(batch);
    const maps = tf.tidy(() => this.features(batch.images).map((f) => f.features));
    const feats: FeatureLevel[] = maps.map((features, i) => ({ features, stride: this.strides[i]! }));
    try {
      const [objectness, deltas] = tf.tidy(() => {
        const o = this.rpn.apply(feats);
        return [o.objectness, o.deltas] as [tf.Tensor2D, tf.Tensor3D];
      });
      const anchors = feats.map((f, l) => this.rpn.anchorGenerator.level(l, f.features.shape[1], f.features.shape[2]));
      let proposals: Float32Array[];
      try {
        proposals = yield* this.rpn.proposalSteps({ objectness, deltas, anchors }, sizes, false);
      } finally {
        tf.dispose([objectness, deltas]);
      }
      return yield* this.roiHeads.predictSteps(feats, proposals, sizes);
    } finally {
      tf.dispose(maps);
    }
  }

  dispose(): void {
    this.store.dispose();
  }
}

function classifierLossOf(opts: DetectorOptions, numClasses: number): RoiClassifierLoss {
  if (opts.classifierLoss) return opts.classifierLoss;
  if (!opts.classStats) throw new BalmsInputError('Detector: pass a classifierLoss, or classStats for the default Balanced Softmax');
  if (opts.classStats.imageCount.length !== numClasses) {
    throw new BalmsInputError(`Detector: classStats has ${opts.classStats.imageCount.length} classes, the config ${numClasses}`);
  }
  return createClassifierLoss({ type: 'balanced_softmax' }, opts.classStats);
}

/** Sum of named losses. */
export function totalLoss(losses: Record<string, tf.Scalar>): tf.Scalar {
  return tf.tidy(() => tf.addN(Object.values(losses)) as tf.Scalar);
}

export function imageSizesOf(batch: ImageBatch): [number, number][] {
  const [n, h, w] = batch.images.shape;
  const sizes = batch.imageSizes ?? Array.from({ length: n }, () => [h, w] as [number, number]);
  if (sizes.length !== n) throw new BalmsInputError(`Detector: ${sizes.length} image sizes for ${n} images`);
  return sizes;
}
