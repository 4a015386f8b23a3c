/**
 * "balms on coco-ssd": a detector whose backbone and proposals are a frozen coco-ssd graph and
 * whose RoI heads (box refinement, a classifier over your own categories trained with Balanced
 * Softmax or any loss, masks) balms trains. Trainable parameters: a 1×1 conv + ReLU per feature
 * level (`laterals/<i>/…`, bringing coco-ssd's MobileNet maps to one width) and the RoI heads
 * (`roi_heads/…`); coco-ssd's own weights never change.
 *
 * Frames: coco-ssd resizes every image to 300×300 inside its graph, so its feature maps and
 * boxes live in that square frame. Ground truth goes into it (x·300/W, y·300/H; polygons exactly,
 * RLE/bitmap masks by nearest-neighbour resampling) and detections come back out, masks staying
 * relative to their boxes. Feature strides are nominal (19×19 is stride 16 over 300 px).
 */
import * as tf from '@tensorflow/tfjs';
import { decodeRowMajor, rleFromJson, type Rle } from '../../coco/mask/index.js';
import type { Polygon, RleJson } from '../../coco/types.js';
import type { ClassStats } from '../../losses/index.js';
import { BalmsInputError } from '../../util/errors.js';
import { Rng } from '../../util/rng.js';
import type { RoiClassifierLoss } from '../classifierLoss.js';
import type { BitmapMask, InstanceMask } from '../instanceMasks.js';
import { ParameterStore } from '../parameterStore.js';
import { RoIHeads, type FeatureLevel, type InstancePredictions, type InstanceTargets, type RoiLossOptions } from '../roiHeads.js';
import { resolveRoIHeadsOptions, type RoiHeadsConfigInput } from '../roiHeadsOptions.js';
import { COCO_SSD_FEATURE_NODES, COCO_SSD_INPUT_SIZE, runCocoSsd, type CocoSsdBase, type CocoSsdFeatureNode } from './cocoSsdGraph.js';
import { cocoSsdProposals, type ProposalOptions } from './cocoSsdProposals.js';

export interface CocoSsdDetectorOptions {
  /** The frozen coco-ssd graph (`loadCocoSsd(…).graph`). */
  graph: tf.GraphModel;
  /** K, your foreground classes (contiguous ids `0..K-1`). */
  numClasses: number;
  classifierLoss?: RoiClassifierLoss;
  /** Without `classifierLoss`: Balanced Softmax from these training-set statistics. */
  classStats?: ClassStats;
  /** Which coco-ssd base the graph is (picks the default feature nodes); default lite_mobilenet_v2. */
  base?: CocoSsdBase;
  /** Feature maps for RoIAlign, strides consecutive powers of two (default `COCO_SSD_FEATURE_NODES[base]`). */
  featureNodes?: CocoSsdFeatureNode[];
  /** Width every feature level is projected to (default 64). */
  featureChannels?: number;
  /** Proposals while training (default top 1000 after NMS 0.7). */
  trainProposals?: ProposalOptions;
  /** Proposals at inference (default top 1000 after NMS 0.7). */
  testProposals?: ProposalOptions;
  /** RoI-head settings (partial `RoiHeadsConfig`). */
  roiHeads?: RoiHeadsConfigInput;
  /** Seeds parameters and RoI sampling (default 0). */
  seed?: number;
  /** Initial bias of the class logits (e.g. −log((1−p)/p) for sigmoid-family losses; default 0). */
  clsBiasInit?: number;
  /** Channels of each feature node, when known (a checkpoint): the laterals are built at once instead of on the first `frozen` call. */
  featureWidths?: number[];
}

/** What the frozen graph gives for a batch of images (features in the 300×300 frame). */
export interface FrozenBatch {
  /** Per level `[N, h, w, c]` (caller disposes with `disposeFrozen`). */
  features: tf.Tensor4D[];
  /** Per image, class-agnostic proposals in the 300×300 frame. */
  proposals: Float32Array[];
  /** Per image `[H, W]` of the original image. */
  imageSizes: [number, number][];
}

const S = COCO_SSD_INPUT_SIZE;

export class CocoSsdDetector {
  readonly graph: tf.GraphModel;
  readonly numClasses: number;
  readonly featureNodes: CocoSsdFeatureNode[];
  readonly featureChannels: number;
  readonly store: ParameterStore;
  readonly roiHeads: RoIHeads;
  readonly trainProposals: ProposalOptions;
  readonly testProposals: ProposalOptions;
  private readonly laterals: { kernel: tf.Variable; bias: tf.Variable }[] = [];
  private lateralInputs: number[] | null = null;
  private readonly loss: RoiClassifierLoss;
  /** Draws the RoI samples. */
  private readonly rng: Rng;

  constructor(opts: CocoSsdDetectorOptions) {
    if (!(opts?.graph instanceof tf.GraphModel)) throw new BalmsInputError('CocoSsdDetector: graph must be the coco-ssd tf.GraphModel (loadCocoSsd(…).graph)');
    this.graph = opts.graph;
    const base = opts.base ?? 'lite_mobilenet_v2';
    if (!(base in COCO_SSD_FEATURE_NODES)) throw new BalmsInputError(`CocoSsdDetector: base must be one of ${Object.keys(COCO_SSD_FEATURE_NODES).join(', ')}, got '${base}'`);
    this.featureNodes = (opts.featureNodes ?? COCO_SSD_FEATURE_NODES[base]).map((n) => ({ ...n }));
    if (this.featureNodes.length === 0) throw new BalmsInputError('CocoSsdDetector: featureNodes is empty');
    this.featureNodes.forEach((n, i) => {
      if (typeof n.name !== 'string' || !n.name) throw new BalmsInputError(`CocoSsdDetector: featureNodes[${i}].name must be a node name`);
      if (i > 0 && n.stride !== 2 * this.featureNodes[i - 1]!.stride) {
        throw new BalmsInputError(`CocoSsdDetector: featureNodes strides must double from level to level, got ${this.featureNodes.map((f) => f.stride).join(', ')}`);
      }
    });
    this.featureChannels = opts.featureChannels ?? 64;
    // Checks numClasses, the loss and the RoI-head config with the options form's messages.
    const resolved = resolveRoIHeadsOptions({
      numClasses: opts.numClasses, inChannels: this.featureChannels, classifierLoss: opts.classifierLoss, classStats: opts.classStats,
      config: opts.roiHeads, seed: opts.seed, clsBiasInit: opts.clsBiasInit,
    });
    this.numClasses = resolved.numClasses;
    this.loss = resolved.classifierLoss;
    this.store = new ParameterStore(new Rng(resolved.seed));
    this.rng = new Rng(resolved.seed + 1);
    this.roiHeads = new RoIHeads(this.store, resolved.config, this.numClasses, this.featureChannels, this.loss, 'roi_heads', resolved.clsBiasInit);
    if (opts.featureWidths) {
      if (opts.featureWidths.length !== this.featureNodes.length) throw new BalmsInputError(`CocoSsdDetector: ${opts.featureWidths.length} feature widths for ${this.featureNodes.length} feature nodes`);
      this.buildLaterals(opts.featureWidths);
    }
    this.trainProposals = { topK: 1000, nmsThreshold: 0.7, ...opts.trainProposals };
    this.testProposals = { topK: 1000, nmsThreshold: 0.7, ...opts.testProposals };
  }

  /** The trainable parameters (laterals + RoI heads); the coco-ssd graph is frozen. Needs one `frozen` call first. */
  variables(): tf.Variable[] {
    if (!this.lateralInputs) throw new BalmsInputError('CocoSsdDetector: run frozen() once before asking for variables (the lateral widths come from the graph)');
    return this.store.select(['laterals/', 'roi_heads/']);
  }

  /** Runs the frozen graph over images (`[H, W, 3]`, 0–255): features, proposals and sizes. */
  async frozen(images: readonly (tf.Tensor3D | tf.Tensor4D)[], training = false): Promise<FrozenBatch> {
    if (!Array.isArray(images) || images.length === 0) throw new BalmsInputError('CocoSsdDetector: images must be a non-empty array of [H, W, 3] tensors');
    const perLevel: tf.Tensor4D[][] = this.featureNodes.map(() => []);
    const proposals: Float32Array[] = [];
    const imageSizes: [number, number][] = [];
    try {
      for (const img of images) {
        const out = await runCocoSsd(this.graph, img, this.featureNodes.map((n) => n.name));
        out.features.forEach((f, l) => perLevel[l]!.push(f));
        proposals.push(cocoSsdProposals(out, [S, S], training ? this.trainProposals : this.testProposals).boxes);
        const h = img.shape[img.rank - 3]!, w = img.shape[img.rank - 2]!;
        imageSizes.push([h, w]);
      }
      const features = perLevel.map((maps) => (maps.length === 1 ? maps[0]! : (tf.concat(maps, 0) as tf.Tensor4D)));
      if (perLevel[0]!.length > 1) tf.dispose(perLevel.flat());
      this.ensureLaterals(features);
      return { features, proposals, imageSizes };
    } catch (e) {
      tf.dispose(perLevel.flat());
      throw e;
    }
  }

  private ensureLaterals(features: tf.Tensor4D[]): void {
    const widths = features.map((f) => f.shape[3]);
    if (this.lateralInputs) {
      widths.forEach((c, l) => {
        if (c !== this.lateralInputs![l]) throw new BalmsInputError(`CocoSsdDetector: feature node ${this.featureNodes[l]!.name} has ${c} channels, the head was built for ${this.lateralInputs![l]}`);
      });
      return;
    }
    this.buildLaterals(widths);
  }

  /** Channels of each feature node (known after the first `frozen` call or from `featureWidths`). */
  featureWidths(): number[] | null {
    return this.lateralInputs ? [...this.lateralInputs] : null;
  }

  private buildLaterals(widths: number[]): void {
    this.lateralInputs = [...widths];
    widths.forEach((c, l) => {
      this.laterals.push({
        kernel: this.store.create(`laterals/${l}/kernel`, [1, 1, c, this.featureChannels], { kind: 'heNormal', fanIn: c }),
        bias: this.store.create(`laterals/${l}/bias`, [this.featureChannels], { kind: 'zeros' }),
      });
    });
  }

  /** The RoI heads' feature levels: each frozen map through its trainable 1×1 conv + ReLU. */
  levels(frozen: FrozenBatch): FeatureLevel[] {
    return frozen.features.map((f, l) => ({
      features: tf.relu(tf.add(tf.conv2d(f, this.laterals[l]!.kernel as tf.Tensor4D, 1, 'valid'), this.laterals[l]!.bias)) as tf.Tensor4D,
      stride: this.featureNodes[l]!.stride,
    }));
  }

  /** Training losses (`loss_cls`, `loss_box_reg`, `loss_mask`) for targets in the original image frames. */
  losses(frozen: FrozenBatch, targets: readonly InstanceTargets[], options: RoiLossOptions = {}): Record<string, tf.Scalar> {
    if (targets.length !== frozen.imageSizes.length) throw new BalmsInputError(`CocoSsdDetector.losses: ${targets.length} targets for ${frozen.imageSizes.length} images`);
    const scaled = targets.map((t, i) => targetsToFrame(t, frozen.imageSizes[i]!, `targets[${i}]`));
    return tf.tidy(() => this.roiHeads.losses(this.levels(frozen), frozen.proposals, scaled, this.rng, options));
  }

  /** Detections per image in its own pixels (masks M×M relative to each box; `toLvisResults` pastes them). */
  async predict(images: readonly (tf.Tensor3D | tf.Tensor4D)[]): Promise<InstancePredictions[]> {
    const frozen = await this.frozen(images, false);
    const maps = tf.tidy(() => this.levels(frozen).map((l) => l.features));
    const levels = maps.map((features, l) => ({ features, stride: this.featureNodes[l]!.stride }));
    try {
      const preds = await this.roiHeads.predictAsync(levels, frozen.proposals, frozen.imageSizes.map(() => [S, S] as [number, number]));
      preds.forEach((p, i) => {
        const [h, w] = frozen.imageSizes[i]!;
        for (let j = 0; j < p.boxes.length; j += 4) {
          p.boxes[j] = (p.boxes[j]! * w) / S;
          p.boxes[j + 1] = (p.boxes[j + 1]! * h) / S;
          p.boxes[j + 2] = (p.boxes[j + 2]! * w) / S;
          p.boxes[j + 3] = (p.boxes[j + 3]! * h) / S;
        }
      });
      return preds;
    } finally {
      tf.dispose(maps);
      disposeFrozen(frozen);
    }
  }

  /** The trainable parameters by name, for a checkpoint. */
  namedVariables(): Map<string, tf.Variable> {
    return this.store.variables();
  }

  dispose(): void {
    this.store.dispose();
  }
}

export function disposeFrozen(f: FrozenBatch): void {
  tf.dispose(f.features);
}

/** Ground truth of an `[h, w]` image mapped into coco-ssd's 300×300 frame. */
export function targetsToFrame(t: InstanceTargets, size: readonly [number, number], where: string): InstanceTargets {
  const [h, w] = size;
  const sx = S / w, sy = S / h;
  const boxes = new Float32Array(t.boxes.length);
  for (let j = 0; j < boxes.length; j += 4) {
    boxes[j] = t.boxes[j]! * sx;
    boxes[j + 1] = t.boxes[j + 1]! * sy;
    boxes[j + 2] = t.boxes[j + 2]! * sx;
    boxes[j + 3] = t.boxes[j + 3]! * sy;
  }
  const masks = t.masks ?? t.polygons;
  return {
    boxes,
    classes: t.classes,
    ...(masks ? { masks: masks.map((m, j) => maskToFrame(m as InstanceMask, sx, sy, `${where}.masks[${j}]`)) } : {}),
  };
}

function maskToFrame(m: InstanceMask, sx: number, sy: number, where: string): InstanceMask {
  if (Array.isArray(m)) return (m as readonly Polygon[]).map((p) => p.map((v, k) => (k % 2 === 0 ? v * sx : v * sy)));
  let data: ArrayLike<number>, h: number, w: number;
  if ('data' in m) ({ data, height: h, width: w } = m as BitmapMask);
  else if ('size' in m) {
    const r = rleFromJson(m as RleJson);
    ({ h, w } = r);
    data = decodeRowMajor(r);
  } else if ('h' in m) {
    const r = m as Rle;
    ({ h, w } = r);
    data = decodeRowMajor(r);
  } else throw new BalmsInputError(`${where}: expected polygons, an RLE or a bitmap`);
  if (Math.abs(h * sy - S) > 0.5 || Math.abs(w * sx - S) > 0.5) throw new BalmsInputError(`${where}: mask is ${h}×${w}, the image ${Math.round(S / sy)}×${Math.round(S / sx)}`);
  const out = new Uint8Array(S * S);
  for (let y = 0; y < S; y++) {
    const yy = Math.min(h - 1, Math.floor((y + 0.5) / sy));
    for (let x = 0; x < S; x++) out[y * S + x] = data[yy * w + Math.min(w - 1, Math.floor((x + 0.5) / sx))]! ? 1 : 0;
  }
  return { height: S, width: S, data: out };
}
