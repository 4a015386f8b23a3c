/**
 * Mask R-CNN RoI heads, pluggable into any detector that provides feature maps and proposals:
 * `losses(features, proposals, targets)` samples RoIs, pools them with (multi-level)
 * RoIAlign, and returns the classification (any `RoiClassifierLoss`), box-regression and mask
 * losses; `predict(features, proposals, imageSizes)` (or `predictAsync`, which never blocks on a
 * GPU read-back) returns per-image detections with 28×28 (2·pooled) mask probabilities for the
 * predicted class. Build it with `new RoIHeads({ numClasses, inChannels, classStats })` (see
 * `RoIHeadsOptions`: a detector passes its shared `store`; box head, predictor and mask head may be
 * passed in).
 */
import * as tf from '@tensorflow/tfjs';
import type { Polygon } from '../coco/types.js';
import { roiWeightsFromClassWeights } from '../losses/index.js';
import { BalmsInputError } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import { BoxHead, BoxPredictor } from './boxHead.js';
import { BoxCoder } from './boxCoder.js';
import { boxCount } from './boxes.js';
import type { RoiClassifierLoss } from './roiClassifierLoss.js';
import type { RoIHeadsConfig } from './config.js';
import { maskTargetsForInstances, type InstanceMask } from './instanceMasks.js';
import { MaskHead } from './maskHead.js';
import { multiLevelRoiAlign } from './ops/index.js';
import { ParameterStore } from './parameterStore.js';
import { checkBoxLists, checkFeatureLevels, checkImageSizes, checkTargets } from './roiHeadsInputs.js';
import { resolveRoIHeadsOptions, type RoIHeadsOptions } from './roiHeadsOptions.js';
import { boxInferenceSingleImage } from './roiInference.js';
import { boxRegressionLoss, maskLoss } from './roiLosses.js';
import { sampleRois, type SampledRois } from './roiSampler.js';
import { readAsync, readSync, type TensorReads } from './tensorReads.js';

/** One feature map `[N, H, W, C]` and its stride in image pixels (a power of two). */
export interface FeatureLevel {
  features: tf.Tensor4D;
  stride: number;
}

/** Ground truth of one image. */
export interface InstanceTargets {
  /** `G*4` XYXY in image pixels. */
  boxes: Float32Array;
  /** Contiguous class ids `0..K-1`. */
  classes: Int32Array;
  /** One mask per instance — polygons, an RLE or a bitmap — (this or `polygons` when the mask head is on). */
  masks?: InstanceMask[];
  /** Polygons per instance (the older form of `masks`). */
  polygons?: Polygon[][];
}

/** Options of `RoIHeads.losses`. */
export interface RoiLossOptions {
  /**
   * Per-class weights `[K]` of the classification loss (the BALMS Meta Reweighter): foreground
   * RoI r gets `w[c_r]`, renormalised to average 1 over the foreground RoIs; background RoIs get
   * 1. Differentiable w.r.t. the weights, so a meta step can learn them.
   */
  classWeights?: tf.Tensor1D;
}

/** The training RoIs of a batch (`RoIHeads.sampleTrainingRois`). */
export interface TrainingRois {
  /** Per image, as `sample` returns them. */
  sampled: SampledRois[];
  /** `R*4` XYXY, all images concatenated, with `batchIdx[R]`. */
  boxes: Float32Array;
  batchIdx: Int32Array;
  /** `[R]` labels in `0..K` (K = background). */
  labels: Int32Array;
  /** `R*4` matched ground-truth boxes of foreground RoIs (zeros for background). */
  gtBoxes: Float32Array;
}

/** Sampled RoIs' box-head features and labels (`RoIHeads.sampledBoxFeatures`). */
export interface RoiFeatureBatch {
  /** `[R, D]` */
  features: tf.Tensor2D;
  /** `[R]` int32 in `0..K` (K = background). */
  labels: tf.Tensor1D;
}

/** Detections of one image. */
export interface InstancePredictions {
  boxes: Float32Array;
  scores: Float32Array;
  classes: Int32Array;
  /** `D·M·M` mask probabilities (row-major per detection), when the mask head is on. */
  masks?: Float32Array;
  maskSize: number;
}

export class RoIHeads {
  readonly cfg: RoIHeadsConfig;
  readonly numClasses: number;
  readonly inChannels: number;
  readonly classifierLoss: RoiClassifierLoss;
  /** Holds the head's parameters (its own, or the detector's passed as `store`). */
  readonly store: ParameterStore;
  /** Parameter-name prefix (`roi_heads`). */
  readonly prefix: string;
  readonly boxHead: BoxHead;
  readonly boxPredictor: BoxPredictor;
  readonly maskHead: MaskHead | null;
  readonly boxCoder: BoxCoder;
  readonly maskSize: number;
  /** Draws the RoI samples when `losses` is given no `rng` (`new Rng(seed + 1)`). */
  readonly rng: Rng;
  private readonly ownsStore: boolean;

  /**
   * Parts not passed in (box head, box predictor, mask head) are built from the config on `store`
   * (default: the head's own) under `prefix`, in that order.
   * @example new RoIHeads({ numClasses: 3, inChannels: 256, classStats, config: { mask: { convDims: [128, 128] } }, seed: 1 })
   */
  constructor(options: RoIHeadsOptions) {
    const o = resolveRoIHeadsOptions(options);
    const cfg = o.config, numClasses = o.numClasses, inChannels = o.inChannels, store = o.store, prefix = o.prefix;
    this.cfg = cfg;
    this.numClasses = numClasses;
    this.inChannels = inChannels;
    this.classifierLoss = o.classifierLoss;
    this.store = store;
    this.prefix = prefix;
    this.rng = o.rng;
    this.ownsStore = o.ownsStore;
    const p = cfg.pooledSize;
    this.boxHead = o.boxHead ?? new BoxHead(store, `${prefix}/box_head`, p * p * inChannels, cfg.boxHead.fcDims);
    this.boxPredictor = o.boxPredictor ?? new BoxPredictor(
      store, `${prefix}/box_predictor`, this.boxHead.outputDim, o.classifierLoss.outputs(numClasses), cfg.clsAgnosticBboxReg ? 1 : numClasses, o.clsBiasInit,
    );
    this.maskHead = o.maskHead !== undefined
      ? o.maskHead
      : cfg.mask.enabled ? new MaskHead(store, `${prefix}/mask_head`, inChannels, cfg.mask.convDims, cfg.mask.deconvDim, numClasses) : null;
    this.boxCoder = new BoxCoder(cfg.bboxRegWeights);
    this.maskSize = 2 * cfg.mask.pooledSize;
  }

  /** The head's parameters (`roi_heads/box_head/fc1/kernel`, …), e.g. as `varList` of `optimizer.minimize`. */
  variables(): tf.Variable[] {
    return this.store.select(`${this.prefix}/`);
  }

  /** Frees the parameters of the head's own store (a `store` passed in belongs to the caller). */
  dispose(): void {
    if (this.ownsStore) this.store.dispose();
  }

  /** Pools `boxes` (image `batchIdx`) at `outputSize` from the level each box is assigned to. */
  pool(features: readonly FeatureLevel[], boxes: Float32Array, batchIdx: Int32Array, outputSize: number): tf.Tensor4D {
    const minLevel = checkLevels(features);
    return multiLevelRoiAlign(features.map((f) => f.features), boxes, batchIdx, {
      outputSize,
      samplingRatio: this.cfg.samplingRatio,
      minLevel,
      canonicalBox: this.cfg.canonicalBoxSize,
      canonicalLevel: this.cfg.canonicalLevel,
      aligned: true,
    });
  }

  /** Samples RoIs for every image (exposed for inspection and tests). */
  sample(proposals: readonly Float32Array[], targets: readonly InstanceTargets[], rng: Rng = this.rng): SampledRois[] {
    if (proposals.length !== targets.length) throw new BalmsInputError(`RoIHeads.sample: ${proposals.length} proposal sets for ${targets.length} images`);
    return proposals.map((p, i) =>
      sampleRois(p, targets[i]!.boxes, targets[i]!.classes, this.numClasses, {
        batchSizePerImage: this.cfg.batchSizePerImage,
        positiveFraction: this.cfg.positiveFraction,
        iouThreshold: this.cfg.iouThreshold,
        addGtAsProposals: this.cfg.addGtAsProposals,
      }, rng),
    );
  }

  /**
   * The training RoIs of a batch: sampled per image (`sample`), concatenated, with their labels
   * (`0..K`, K = background) and, for foreground RoIs, their matched ground-truth boxes.
   */
  sampleTrainingRois(proposals: readonly Float32Array[], targets: readonly InstanceTargets[], rng: Rng = this.rng): TrainingRois {
    const sampled = this.sample(proposals, targets, rng);
    const { boxes, batchIdx } = flattenRois(sampled.map((s) => s.boxes));
    const r = batchIdx.length;
    const labels = new Int32Array(r);
    const gtBoxes = new Float32Array(r * 4);
    let o = 0;
    sampled.forEach((s, img) => {
      const gt = targets[img]!.boxes;
      for (let i = 0; i < s.classes.length; i++, o++) {
        labels[o] = s.classes[i]!;
        if (i < s.numFg) gtBoxes.set(gt.subarray(4 * s.gtIndex[i]!, 4 * s.gtIndex[i]! + 4), 4 * o);
      }
    });
    return { sampled, boxes, batchIdx, labels, gtBoxes };
  }

  /** `[R, D]` box-head features of RoIs `boxes` (image `batchIdx`), pooled at the box branch's resolution. */
  boxFeatures(features: readonly FeatureLevel[], boxes: Float32Array, batchIdx: Int32Array): tf.Tensor2D {
    return tf.tidy(() => this.boxHead.apply(this.pool(features, boxes, batchIdx, this.cfg.pooledSize)));
  }

  /**
   * What a classifier trained on frozen RoI features (decoupled stage 2) learns from: the box-head
   * features of the training-sampled RoIs and their labels. The caller disposes both.
   */
  sampledBoxFeatures(features: readonly FeatureLevel[], proposals: readonly Float32Array[], targets: readonly InstanceTargets[], rng: Rng): RoiFeatureBatch {
    const rois = this.sampleTrainingRois(proposals, targets, rng);
    return { features: this.boxFeatures(features, rois.boxes, rois.batchIdx), labels: tf.tensor1d(rois.labels, 'int32') };
  }

  /**
   * Training losses: `loss_cls`, `loss_box_reg` and (with the mask head) `loss_mask`, each a
   * scalar already multiplied by its configured weight. `rng` draws the RoI sample (default: the head's own).
   */
  losses(
    features: readonly FeatureLevel[],
    proposals: readonly Float32Array[],
    targets: readonly InstanceTargets[],
    rng: Rng = this.rng,
    options: RoiLossOptions = {},
  ): Record<string, tf.Scalar> {
    const n = checkFeatureLevels('losses', features, this.inChannels);
    checkBoxLists('losses', 'proposals', proposals, n);
    checkTargets('losses', targets, n, this.numClasses, this.maskHead !== null);
    const { sampled, boxes, batchIdx, labels: classes, gtBoxes } = this.sampleTrainingRois(proposals, targets, rng);
    const r = batchIdx.length;
    if (r === 0) {
      // Nothing to learn from (no proposals and no ground truth): zeros that still depend on the head's variables.
      return tf.tidy(() => {
        const zero = () => tf.mul(tf.add(tf.sum(this.boxPredictor.clsScore.bias), tf.sum(this.boxPredictor.bboxPred.bias)), 0) as tf.Scalar;
        const out: Record<string, tf.Scalar> = { loss_cls: zero(), loss_box_reg: zero() };
        if (this.maskHead) out.loss_mask = zero();
        return out;
      });
    }
    return tf.tidy(() => {
      const { logits, deltas } = this.boxPredictor.apply(this.boxFeatures(features, boxes, batchIdx));
      const out: Record<string, tf.Scalar> = {};
      const weights = options.classWeights ? classWeightsPerRoi(options.classWeights, classes, this.numClasses) : undefined;
      const lossCls = this.classifierLoss.loss(logits, tf.tensor1d(classes, 'int32'), weights) as tf.Scalar;
      out.loss_cls = tf.mul(lossCls, this.cfg.clsLossWeight);
      const lossBox = boxRegressionLoss(deltas, boxes, gtBoxes, classes, this.numClasses, this.boxCoder, this.cfg.smoothL1Beta);
      out.loss_box_reg = tf.mul(lossBox, this.cfg.boxLossWeight);
      if (this.maskHead) out.loss_mask = tf.mul(this.maskLossOf(features, sampled, targets), this.cfg.mask.lossWeight);
      return out;
    });
  }

  private maskLossOf(features: readonly FeatureLevel[], sampled: SampledRois[], targets: readonly InstanceTargets[]): tf.Scalar {
    const head = this.maskHead!;
    const fgBoxes: Float32Array[] = [];
    const fgClasses: number[] = [];
    const targetParts: Float32Array[] = [];
    sampled.forEach((s, img) => {
      const masks = targets[img]!.masks ?? targets[img]!.polygons;
      if (s.numFg > 0 && !masks) throw new BalmsInputError(`RoIHeads.losses: targets[${img}] has no masks but the mask head is on`);
      const boxes = s.boxes.subarray(0, 4 * s.numFg);
      fgBoxes.push(boxes);
      for (let i = 0; i < s.numFg; i++) fgClasses.push(s.classes[i]!);
      if (s.numFg > 0) targetParts.push(maskTargetsForInstances(masks!, boxes, s.gtIndex.subarray(0, s.numFg), this.maskSize));
    });
    const rois = flattenRois(fgBoxes);
    const m = rois.batchIdx.length;
    const tgt = new Float32Array(m * this.maskSize * this.maskSize);
    let o = 0;
    for (const t of targetParts) {
      tgt.set(t, o);
      o += t.length;
    }
    if (m === 0) {
      // No foreground: a zero that still depends on the head's variables (as detectron2's `mask_logits.sum() * 0`).
      return tf.mul(tf.add(tf.sum(head.predictorKernel), tf.sum(head.predictorBias)), 0) as tf.Scalar;
    }
    const pooled = this.pool(features, rois.boxes, rois.batchIdx, this.cfg.mask.pooledSize);
    return maskLoss(head.apply(pooled, Int32Array.from(fgClasses)), tgt);
  }

  /**
   * Inference: detections per image with optional mask probabilities. Reads results back with
   * `dataSync` (free on cpu, wasm and tfjs-node); on WebGL/WebGPU use {@link predictAsync}.
   */
  predict(
    features: readonly FeatureLevel[],
    proposals: readonly Float32Array[],
    imageSizes: readonly (readonly [number, number])[],
  ): InstancePredictions[] {
    return readSync(this.predictSteps(features, proposals, imageSizes));
  }

  /** {@link predict} without blocking reads (`await tensor.data()`), for the browser's GPU backends. */
  predictAsync(
    features: readonly FeatureLevel[],
    proposals: readonly Float32Array[],
    imageSizes: readonly (readonly [number, number])[],
  ): Promise<InstancePredictions[]> {
    return readAsync(this.predictSteps(features, proposals, imageSizes, 'predictAsync'));
  }

  /**
   * `predict` with its tensor reads left to the caller's driver (see tensorReads.ts); `method` names
   * the caller in input errors.
   */
  *predictSteps(
    features: readonly FeatureLevel[],
    proposals: readonly Float32Array[],
    imageSizes: readonly (readonly [number, number])[],
    method = 'predict',
  ): TensorReads<InstancePredictions[]> {
    const n = checkFeatureLevels(method, features, this.inChannels);
    checkBoxLists(method, 'proposals', proposals, n);
    checkImageSizes(method, imageSizes, n);
    const rois = flattenRois(proposals);
    const r = rois.batchIdx.length;
    const k = this.numClasses;
    if (r === 0) return proposals.map(() => ({ ...emptyDetections(), ...(this.maskHead ? { masks: new Float32Array(0) } : {}), maskSize: this.maskSize }));
    const [probs, deltas] = tf.tidy(() => {
      const pooled = this.pool(features, rois.boxes, rois.batchIdx, this.cfg.pooledSize);
      const out = this.boxPredictor.apply(this.boxHead.apply(pooled));
      return [this.classifierLoss.probabilities(out.logits), out.deltas];
    });
    let probData: Float32Array, deltaData: Float32Array;
    try {
      [probData, deltaData] = (yield [probs, deltas]) as [Float32Array, Float32Array];
    } finally {
      tf.dispose([probs, deltas]);
    }
    const cols = probs.shape[1];
    if (cols !== k + 1) throw new BalmsInputError(`RoIHeads: classifierLoss.probabilities returned ${cols} columns, expected K + 1 = ${k + 1} (last = background)`);
    const bw = deltas.shape[1];
    const results: InstancePredictions[] = [];
    let start = 0;
    proposals.forEach((p, img) => {
      const n = boxCount(p);
      const det = boxInferenceSingleImage(
        probData.subarray(start * (k + 1), (start + n) * (k + 1)), deltaData.subarray(start * bw, (start + n) * bw), p, k,
        imageSizes[img]!, this.boxCoder, this.cfg.scoreThreshold, this.cfg.nmsThreshold, this.cfg.detectionsPerImage,
      );
      results.push({ ...det, maskSize: this.maskSize });
      start += n;
    });
    if (this.maskHead) yield* this.predictMasks(features, results);
    return results;
  }

  private *predictMasks(features: readonly FeatureLevel[], results: InstancePredictions[]): TensorReads<void> {
    const rois = flattenRois(results.map((d) => d.boxes));
    const m = rois.batchIdx.length;
    const mm = this.maskSize * this.maskSize;
    if (m === 0) {
      for (const d of results) d.masks = new Float32Array(0);
      return;
    }
    const classes = new Int32Array(m);
    let o = 0;
    for (const d of results) {
      classes.set(d.classes, o);
      o += d.classes.length;
    }
    const probs = tf.tidy(() => tf.sigmoid(this.maskHead!.apply(this.pool(features, rois.boxes, rois.batchIdx, this.cfg.mask.pooledSize), classes)));
    let data: Float32Array;
    try {
      [data] = (yield [probs]) as [Float32Array];
    } finally {
      probs.dispose();
    }
    o = 0;
    for (const d of results) {
      d.masks = data.slice(o * mm, (o + d.classes.length) * mm);
      o += d.classes.length;
    }
  }
}

function classWeightsPerRoi(classWeights: tf.Tensor1D, classes: Int32Array, numClasses: number): tf.Tensor1D {
  if (classWeights.shape[0] !== numClasses) {
    throw new BalmsInputError(`RoIHeads.losses: options.classWeights has ${classWeights.shape[0]} entries, expected one per class (${numClasses})`);
  }
  return roiWeightsFromClassWeights(classWeights, classes);
}

function emptyDetections() {
  return { boxes: new Float32Array(0), scores: new Float32Array(0), classes: new Int32Array(0) };
}

/** Concatenates per-image boxes into one RoI list with batch indices. */
export function flattenRois(perImage: readonly Float32Array[]): { boxes: Float32Array; batchIdx: Int32Array } {
  let n = 0;
  for (const b of perImage) n += boxCount(b);
  const boxes = new Float32Array(n * 4);
  const batchIdx = new Int32Array(n);
  let o = 0;
  perImage.forEach((b, img) => {
    boxes.set(b, 4 * o);
    batchIdx.fill(img, o, o + b.length / 4);
    o += b.length / 4;
  });
  return { boxes, batchIdx };
}

/** Checks strides are consecutive powers of two; returns log2 of the first. */
function checkLevels(features: readonly FeatureLevel[]): number {
  if (features.length === 0) throw new BalmsInputError('RoIHeads: no feature levels');
  const min = Math.log2(features[0]!.stride);
  features.forEach((f, i) => {
    if (f.stride !== 2 ** (min + i) || !Number.isInteger(min)) {
      throw new BalmsInputError(`RoIHeads: feature strides must be consecutive powers of two, got ${features.map((x) => x.stride).join(', ')}`);
    }
  });
  return min;
}
