/**
 * PLACEHOLDER (cls-engine helper) for the model helper's `src/modeling/classification/`: the same
 * interface (`ImageClassifier` with `features`, `logits`, `head`, `variables()`, `state()`,
 * `dispose()`), with a one-conv + batch-norm stand-in for the CIFAR ResNet so the engine compiles
 * and its tests run. The lead replaces this folder with the model helper's version.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../util/rng.js';

export interface ImageClassifierOptions {
  numClasses: number;
  /** Input channels (default 3). */
  inChannels?: number;
  /** CIFAR ResNet depth 6n+2. */
  depth?: number;
  /** Channel multiplier of the 16/32/64 stages (default 1). */
  width?: number;
  seed?: number;
}

/** The linear head: logits = features · kernel + bias. */
export class LinearClassifier {
  constructor(
    readonly kernel: tf.Variable,
    readonly bias: tf.Variable,
  ) {}

  apply(features: tf.Tensor2D): tf.Tensor2D {
    return tf.add(tf.matMul(features, this.kernel as tf.Tensor2D), this.bias) as tf.Tensor2D;
  }
}

function randn(rng: Rng, shape: number[], std: number): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: n }, () => std * rng.normal()), shape);
}

export class ImageClassifier {
  readonly head: LinearClassifier;
  readonly featureDim: number;
  private readonly vars = new Map<string, tf.Variable>();
  private readonly stats = new Map<string, tf.Variable>();
  /** The last training forward's batch mean and variance, applied by `updateRunningStats`. */
  private pending: [tf.Tensor, tf.Tensor] | null = null;

  constructor(readonly opts: ImageClassifierOptions) {
    const rng = new Rng(opts.seed ?? 0);
    const w = 16 * (opts.width ?? 1), inC = opts.inChannels ?? 3;
    this.featureDim = w;
    const add = (name: string, t: tf.Tensor, trainable = true) => {
      const v = tf.variable(t, trainable, `${name}_${Math.random().toString(36).slice(2)}`);
      t.dispose();
      (trainable ? this.vars : this.stats).set(name, v);
      return v;
    };
    add('stem/conv/kernel', randn(rng, [3, 3, inC, w], Math.sqrt(2 / (9 * inC))));
    add('stem/bn/gamma', tf.ones([w]));
    add('stem/bn/beta', tf.zeros([w]));
    add('stem/bn/running_mean', tf.zeros([w]), false);
    add('stem/bn/running_var', tf.ones([w]), false);
    const kernel = add('classifier/kernel', randn(rng, [w, opts.numClasses], Math.sqrt(1 / w)));
    const bias = add('classifier/bias', tf.zeros([opts.numClasses]));
    this.head = new LinearClassifier(kernel, bias);
  }

  /** [N, featureDim] pooled features of NHWC images; training mode uses (and updates) batch statistics. */
  features(x: tf.Tensor4D, opts: { training: boolean }): tf.Tensor2D {
    return tf.tidy(() => {
      const v = (k: string) => this.vars.get(k)!;
      const s = (k: string) => this.stats.get(k)!;
      const h = tf.conv2d(x, v('stem/conv/kernel') as tf.Tensor4D, 1, 'same');
      let mean: tf.Tensor, variance: tf.Tensor;
      if (opts.training) {
        const m = tf.moments(h, [0, 1, 2]);
        mean = m.mean;
        variance = m.variance;
        this.discardPendingStats();
        this.pending = [tf.keep(tf.clone(mean)), tf.keep(tf.clone(variance))];
      } else {
        mean = s('stem/bn/running_mean');
        variance = s('stem/bn/running_var');
      }
      const y = tf.relu(tf.batchNorm(h, mean as tf.Tensor1D, variance as tf.Tensor1D, v('stem/bn/beta') as tf.Tensor1D, v('stem/bn/gamma') as tf.Tensor1D, 1e-5));
      return tf.mean(y, [1, 2]) as tf.Tensor2D;
    });
  }

  logits(x: tf.Tensor4D, opts: { training: boolean }): tf.Tensor2D {
    return tf.tidy(() => this.head.apply(this.features(x, opts)));
  }

  /** Applies the last training forward's batch statistics to the running ones (momentum 0.1); false when none. */
  updateRunningStats(): boolean {
    if (!this.pending) return false;
    const [m, v] = this.pending;
    const s = (k: string) => this.stats.get(k)!;
    tf.tidy(() => {
      s('stem/bn/running_mean').assign(tf.add(tf.mul(s('stem/bn/running_mean'), 0.9), tf.mul(m, 0.1)));
      s('stem/bn/running_var').assign(tf.add(tf.mul(s('stem/bn/running_var'), 0.9), tf.mul(v, 0.1)));
    });
    this.discardPendingStats();
    return true;
  }

  discardPendingStats(): void {
    if (this.pending) tf.dispose(this.pending);
    this.pending = null;
  }

  /** Trainable variables by store name. */
  variables(): Map<string, tf.Variable> {
    return new Map(this.vars);
  }

  /** Batch-norm running statistics by store name. */
  state(): Map<string, tf.Variable> {
    return new Map(this.stats);
  }

  dispose(): void {
    this.discardPendingStats();
    for (const v of [...this.vars.values(), ...this.stats.values()]) v.dispose();
  }
}
