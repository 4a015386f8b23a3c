/**
 * An image classifier: a CIFAR ResNet feature extractor (`backbone/…`) and a linear head
 * (`classifier/…`) in one seeded `ParameterStore`. Input: a normalised NHWC float32 batch. Trainable
 * parameters come from {@link ImageClassifier.variables}, the BatchNorm running statistics (non-trainable
 * state, to checkpoint with them) from {@link ImageClassifier.state}; after each optimiser step on a
 * training-mode forward, call {@link ImageClassifier.updateRunningStats}.
 */
import type * as tf from '@tensorflow/tfjs';
import { CifarResNet, type CifarResNetOptions } from './cifarResNet.js';
import { LinearClassifier } from './linearClassifier.js';
import { ParameterStore } from '../parameterStore.js';
import { Rng } from '../../util/rng.js';

/** What an {@link ImageClassifier} is built from. */
export interface ImageClassifierOptions extends CifarResNetOptions {
  numClasses: number;
  /** Seeds every initial value (default 0): the same options and seed give the same weights. */
  seed?: number;
  /** tfjs variable-name prefix (default a fresh `balms_model<N>/`). */
  scope?: string;
}

/** Whether a forward pass uses batch statistics (training) or the running ones (evaluation). */
export interface ForwardOptions {
  training: boolean;
}

export class ImageClassifier {
  readonly store: ParameterStore;
  readonly backbone: CifarResNet;
  readonly head: LinearClassifier;
  readonly numClasses: number;
  readonly featureDim: number;

  constructor(opts: ImageClassifierOptions) {
    this.store = new ParameterStore(new Rng(opts.seed ?? 0), opts.scope);
    this.backbone = new CifarResNet(this.store, opts);
    this.featureDim = this.backbone.featureDim;
    this.head = new LinearClassifier(this.store, this.featureDim, opts.numClasses);
    this.numClasses = opts.numClasses;
  }

  /** Pooled features `[N, featureDim]`. */
  features(x: tf.Tensor4D, opts: ForwardOptions): tf.Tensor2D {
    return this.backbone.apply(x, opts.training);
  }

  /** Class logits `[N, numClasses]`. */
  logits(x: tf.Tensor4D, opts: ForwardOptions): tf.Tensor2D {
    const f = this.features(x, opts);
    const out = this.head.apply(f);
    f.dispose();
    return out;
  }

  /** Trainable parameters by name, in creation order. */
  variables(): Map<string, tf.Variable> {
    return new Map([...this.store.variables()].filter(([, v]) => v.trainable));
  }

  /** BatchNorm running means and variances by name (non-trainable state). */
  state(): Map<string, tf.Variable> {
    return new Map([...this.store.variables()].filter(([, v]) => !v.trainable));
  }

  /**
   * Applies every BatchNorm layer's last training-mode batch statistics to its running statistics
   * (PyTorch's momentum update); layers with none recorded are left as they are. Returns how many moved.
   */
  updateRunningStats(): number {
    let n = 0;
    for (const bn of this.backbone.batchNorms()) if (bn.updateRunningStats()) n++;
    return n;
  }

  /** Drops recorded batch statistics without applying them (e.g. after a forward that is not a step). */
  discardPendingStats(): void {
    for (const bn of this.backbone.batchNorms()) bn.discardPendingStats();
  }

  numParameters(): number {
    let n = 0;
    for (const v of this.variables().values()) n += v.size;
    return n;
  }

  dispose(): void {
    this.discardPendingStats();
    this.store.dispose();
  }
}
