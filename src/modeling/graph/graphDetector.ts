/**
 * A detector on a frozen tfjs GraphModel (`GraphBackbone`): the graph's feature maps, each through
 * a trainable 1×1 conv + ReLU to one width (`laterals/<l>/…`), feed balms's RoI heads
 * (`roi_heads/…`); proposals come from the graph's own outputs, from a trainable RPN on the frozen
 * maps (`rpn/…`, for objects the graph's outputs miss, e.g. categories it was not trained on), or
 * both. The graph's weights never change. Implements `DetectorModel`, so it trains, checkpoints,
 * resumes, predicts and evaluates through the same engine code as the built-in `Detector`.
 *
 * Images come from the data pipeline normalised with `pixelStats`; the graph takes RGB 0–255, so
 * they are brought back first. Each image of a batch runs through the graph alone (batch 1), in its
 * frame (`graphSpec.ts`); ground truth goes into the frame and detections come out of it.
 */
import * as tf from '@tensorflow/tfjs';
import type { PixelStats } from '../../data/normalize.js';
import { createClassifierLoss, type ClassStats } from '../../losses/index.js';
import { BalmsInputError } from '../../util/errors.js';
import { Rng, type RngState } from '../../util/rng.js';
import type { RoiClassifierLoss } from '../roiClassifierLoss.js';
import { resolveDetectorConfig, type DetectorConfig, type DetectorConfigInput } from '../config.js';
import { imageSizesOf } from '../detector.js';
import type { DetectorModel, ImageBatch, TrainingBatch } from '../detectorModel.js';
import { ParameterStore } from '../parameterStore.js';
import { RoIHeads, type FeatureLevel, type InstancePredictions, type RoiFeatureBatch, type RoiLossOptions } from '../roiHeads.js';
import { Rpn } from '../rpn.js';
import { readAsync, type TensorReads } from '../tensorReads.js';
import { FrozenOutputCache } from './frozenOutputCache.js';
import { predictionsFromFrame, targetsToFrame } from './frameMapping.js';
import type { GraphBackbone } from './graphBackbone.js';

/** Where proposals come from. */
export type GraphProposalSource = 'graph' | 'rpn' | 'graph+rpn';

export interface GraphDetectorOptions {
  /** Width every feature level is projected to (default 64). */
  featureChannels?: number;
  proposals: GraphProposalSource;
  classifierLoss?: RoiClassifierLoss;
  classStats?: ClassStats;
  seed?: number;
  samplingSeed?: number;
  clsBiasInit?: number;
  /** How the images given were normalised (undone before the graph); default: raw 0–255. */
  pixelStats?: PixelStats | null;
  /**
   * Keep the graph's outputs of up to this many distinct images in memory (keyed by their pixels):
   * the graph is frozen and deterministic, so a training set this small is run through it once
   * (default 0: off). CenterNet's three preset maps take about 4.7 MB per image.
   */
  featureCache?: number;
}

/** What `prepare` adds to a batch: the graph's outputs for each image. */
interface FrozenBatch {
  /** Per level `[N, h, w, c]`. */
  features: tf.Tensor4D[];
  /** Per image, the graph's proposals in its frame. */
  proposals: Float32Array[];
  /** Per image, its frame and its size in the batch. */
  frames: [number, number][];
  sizes: [number, number][];
}

export class GraphDetector implements DetectorModel {
  readonly config: DetectorConfig;
  readonly store: ParameterStore;
  readonly rpn: Rpn | null;
  readonly roiHeads: RoIHeads;
  readonly strides: number[];
  readonly featureChannels: number;
  private readonly laterals: { kernel: tf.Variable; bias: tf.Variable }[] = [];
  private rng: Rng;
  private readonly cache: FrozenOutputCache | null;

  constructor(
    readonly backbone: GraphBackbone,
    config: DetectorConfigInput | DetectorConfig,
    readonly opts: GraphDetectorOptions,
  ) {
    // the graph is the pyramid: one level per feature node (the built-in backbone / FPN knobs are unused)
    const levels = backbone.strides.length;
    const c = (this.featureChannels = opts.featureChannels ?? 64);
    const pyramid = { backbone: { stemChannels: c, stageChannels: backbone.strides.map(() => c), convsPerStage: 1 }, fpn: { enabled: true, channels: c, inStages: backbone.strides.map((_, i) => i) } };
    const input = config as DetectorConfigInput;
    if (opts.proposals !== 'graph' && input.anchors?.sizes && input.anchors.sizes.length !== levels) {
      throw new BalmsInputError(`has ${input.anchors.sizes.length} levels, the graph's feature nodes ${levels}`, { path: 'model.anchors.sizes' });
    }
    const anchors = opts.proposals === 'graph' ? { ...input.anchors, sizes: backbone.strides.map(() => input.anchors?.sizes?.[0] ?? [32]) } : input.anchors;
    this.config = resolveDetectorConfig({ ...input, ...pyramid, anchors });
    const cfg = this.config;
    if (opts.proposals !== 'rpn' && backbone.spec.proposalDecoder === 'none') {
      throw new BalmsInputError(`the graph gives no proposals (no decoder for its outputs): use proposals 'rpn'`, { path: 'model.proposals' });
    }
    const seed = opts.seed ?? 0;
    this.store = new ParameterStore(new Rng(seed));
    this.rng = new Rng(opts.samplingSeed ?? seed + 1);
    this.strides = backbone.strides;
    this.cache = opts.featureCache ? new FrozenOutputCache(opts.featureCache) : null;
    backbone.featureWidths.forEach((w, l) => {
      this.laterals.push({
        kernel: this.store.create(`laterals/${l}/kernel`, [1, 1, w, c], { kind: 'heNormal', fanIn: w }),
        bias: this.store.create(`laterals/${l}/bias`, [c], { kind: 'zeros' }),
      });
    });
    this.rpn = opts.proposals === 'graph' ? null : new Rpn(this.store, cfg.rpn, cfg.anchors, this.strides, c);
    this.roiHeads = new RoIHeads({ store: this.store, config: cfg.roiHeads, numClasses: cfg.numClasses, inChannels: c, classifierLoss: lossOf(opts), clsBiasInit: opts.clsBiasInit ?? 0 });
  }

  variables(): Map<string, tf.Variable> {
    return this.store.variables();
  }

  getRngState(): RngState {
    return this.rng.getState();
  }

  setRngState(state: RngState): void {
    this.rng.setState(state);
  }

  /** Runs the frozen graph over each image of the batch (its valid region, back to RGB 0–255). */
  async prepare<B extends ImageBatch>(batch: B): Promise<B> {
    const sizes = imageSizesOf(batch);
    const perLevel: tf.Tensor4D[][] = this.strides.map(() => []);
    const proposals: Float32Array[] = [];
    const frames: [number, number][] = [];
    const ps = this.opts.pixelStats;
    try {
      for (let i = 0; i < sizes.length; i++) {
        const [h, w] = sizes[i]!;
        const image = tf.tidy(() => {
          const x = tf.slice(batch.images, [i, 0, 0, 0], [1, h, w, 3]).reshape([h, w, 3]) as tf.Tensor3D;
          return ps ? (tf.add(tf.mul(x, tf.tensor1d([...ps.std])), tf.tensor1d([...ps.mean])) as tf.Tensor3D) : x;
        });
        try {
          const out = this.cache ? await this.cache.get(image, (x) => this.backbone.run(x)) : await this.backbone.run(image);
          out.features.forEach((f, l) => perLevel[l]!.push(f));
          proposals.push(out.proposals);
          frames.push(out.frame);
        } finally {
          image.dispose();
        }
      }
      if (frames.some((f) => f[0] !== frames[0]![0] || f[1] !== frames[0]![1])) {
        throw new BalmsInputError('this graph takes images at their own size: a batch must hold images of one size (set data.imagesPerBatch 1)', { path: 'data.imagesPerBatch' });
      }
      const features = perLevel.map((maps) => (maps.length === 1 ? maps[0]! : (tf.concat(maps, 0) as tf.Tensor4D)));
      if (sizes.length > 1) tf.dispose(perLevel.flat());
      const prepared: FrozenBatch = { features, proposals, frames, sizes };
      return { ...batch, prepared };
    } catch (e) {
      tf.dispose(perLevel.flat());
      throw e;
    }
  }

  release(batch: ImageBatch): void {
    const f = batch.prepared as FrozenBatch | undefined;
    if (f) tf.dispose(f.features);
  }

  private frozenOf(batch: ImageBatch): FrozenBatch {
    const f = batch.prepared as FrozenBatch | undefined;
    if (!f || !Array.isArray(f.features)) throw new BalmsInputError('GraphDetector: call prepare(batch) first (it runs the frozen graph)');
    return f;
  }

  /** The trainable feature levels: each frozen map through its 1×1 conv + ReLU. */
  private levels(frozen: FrozenBatch): FeatureLevel[] {
    return frozen.features.map((f, l) => ({
      features: tf.relu(tf.add(tf.conv2d(f, this.laterals[l]!.kernel as tf.Tensor4D, 1, 'valid'), this.laterals[l]!.bias)) as tf.Tensor4D,
      stride: this.strides[l]!,
    }));
  }

  private frameTargets(batch: TrainingBatch, frozen: FrozenBatch): TrainingBatch['targets'] {
    if (batch.targets.length !== frozen.frames.length) throw new BalmsInputError(`GraphDetector: ${batch.targets.length} targets for ${frozen.frames.length} images`);
    return batch.targets.map((t, i) => targetsToFrame(t, frozen.sizes[i]!, frozen.frames[i]!, `targets[${i}]`));
  }

  private mergeProposals(graph: Float32Array[], rpn: Float32Array[] | null): Float32Array[] {
    if (!rpn) return graph;
    if (this.opts.proposals === 'rpn') return rpn;
    return graph.map((g, i) => {
      const out = new Float32Array(g.length + rpn[i]!.length);
      out.set(g);
      out.set(rpn[i]!, g.length);
      return out;
    });
  }

  computeLosses(batch: TrainingBatch, rng: Rng = this.rng, options: RoiLossOptions = {}): Record<string, tf.Scalar> {
    const frozen = this.frozenOf(batch);
    const targets = this.frameTargets(batch, frozen);
    return tf.tidy(() => {
      const feats = this.levels(frozen);
      let rpnLosses: Record<string, tf.Scalar> = {};
      let rpnProposals: Float32Array[] | null = null;
      if (this.rpn) {
        const out = this.rpn.apply(feats);
        rpnLosses = this.rpn.losses(out, targets.map((t) => t.boxes), rng);
        rpnProposals = this.rpn.proposals(out, frozen.frames, true);
      }
      const roiLosses = this.roiHeads.losses(feats, this.mergeProposals(frozen.proposals, rpnProposals), targets, rng, options);
      return { ...rpnLosses, ...roiLosses };
    });
  }

  sampledRoiFeatures(batch: TrainingBatch, rng: Rng = this.rng): RoiFeatureBatch {
    const frozen = this.frozenOf(batch);
    const targets = this.frameTargets(batch, frozen);
    return tf.tidy(() => {
      const feats = this.levels(frozen);
      const rpnProposals = this.rpn ? this.rpn.proposals(this.rpn.apply(feats), frozen.frames, true) : null;
      const { features, labels } = this.roiHeads.sampledBoxFeatures(feats, this.mergeProposals(frozen.proposals, rpnProposals), targets, rng);
      return { features, labels };
    });
  }

  async predictAsync(batch: ImageBatch): Promise<InstancePredictions[]> {
    const own = batch.prepared === undefined;
    const prepared = own ? await this.prepare(batch) : batch;
    try {
      const frozen = this.frozenOf(prepared);
      const preds = await readAsync(this.predictSteps(frozen));
      return preds.map((p, i) => predictionsFromFrame(p, frozen.sizes[i]!, frozen.frames[i]!));
    } finally {
      if (own) this.release(prepared);
    }
  }

  private *predictSteps(frozen: FrozenBatch): TensorReads<InstancePredictions[]> {
    const maps = tf.tidy(() => this.levels(frozen).map((f) => f.features));
    const feats: FeatureLevel[] = maps.map((features, l) => ({ features, stride: this.strides[l]! }));
    try {
      let rpnProposals: Float32Array[] | null = null;
      if (this.rpn) {
        const rpn = this.rpn;
        const [objectness, deltas] = tf.tidy(() => {
          const o = rpn.apply(feats);
          return [o.objectness, o.deltas] as [tf.Tensor2D, tf.Tensor3D];
        });
        const anchors = feats.map((f, l) => rpn.anchorGenerator.level(l, f.features.shape[1], f.features.shape[2]));
        try {
          rpnProposals = yield* rpn.proposalSteps({ objectness, deltas, anchors }, frozen.frames, false);
        } finally {
          tf.dispose([objectness, deltas]);
        }
      }
      return yield* this.roiHeads.predictSteps(feats, this.mergeProposals(frozen.proposals, rpnProposals), frozen.frames);
    } finally {
      tf.dispose(maps);
    }
  }

  /** Releases the trainable parameters and the frozen graph (the detector owns its backbone). */
  dispose(): void {
    this.store.dispose();
    this.cache?.dispose();
    this.backbone.dispose();
  }
}

function lossOf(opts: GraphDetectorOptions): RoiClassifierLoss {
  if (opts.classifierLoss) return opts.classifierLoss;
  if (!opts.classStats) throw new BalmsInputError('GraphDetector: pass a classifierLoss, or classStats for the default Balanced Softmax');
  return createClassifierLoss({ type: 'balanced_softmax' }, opts.classStats);
}
