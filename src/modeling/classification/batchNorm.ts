/**
 * Batch normalisation over the channels of an NHWC tensor, as PyTorch's `nn.BatchNorm2d`: in training
 * the batch's mean and biased variance normalise, and the running statistics move by `momentum` towards
 * the batch mean and the unbiased batch variance; in evaluation the running statistics normalise.
 * Learnable `<name>/gamma` (ones) and `<name>/beta` (zeros); non-trainable state `<name>/running_mean`
 * (zeros) and `<name>/running_var` (ones) in the same `ParameterStore`, so checkpoints carry them.
 *
 * The training-mode layer is one customGrad: on tfjs-node TensorFlow's fused training kernels
 * (backends/nativeBatchNorm), elsewhere the closed-form backward (a handful of whole-tensor ops instead
 * of autodiff through the moments), with an optional residual added after the affine step
 * and an optional ReLU last (`relu(bn(x) + r)`, the tail of a residual block).
 *
 * Running statistics are not touched by the forward pass (it runs inside gradient tapes and tidies):
 * a training forward records its batch statistics, and {@link BatchNorm2d.updateRunningStats} applies
 * the last recorded ones (call it once after each optimiser step).
 */
import * as tf from '@tensorflow/tfjs';
import { BalmsInputError } from '../../util/errors.js';
import { fusedBatchNormGrad, fusedBatchNormTraining, nativeBatchNormAvailable, nativeReluGrad } from '../../backends/nativeBatchNorm.js';
import type { ParameterStore } from '../parameterStore.js';

/** Hyper-parameters of {@link BatchNorm2d} (PyTorch's defaults). */
export interface BatchNormOptions {
  /** Weight of the new batch in the running statistics (default 0.1). */
  momentum?: number;
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
}

/** How one {@link BatchNorm2d.apply} runs. */
export interface BatchNormApplyOptions {
  /** Batch statistics (and record them) when true, running statistics when false. */
  training: boolean;
  /** Apply ReLU last (default false). */
  relu?: boolean;
  /** Added after the affine step, before the ReLU (same shape as x). */
  residual?: tf.Tensor4D;
}

type Op = (...inputs: tf.Tensor[]) => tf.Tensor;

interface Pending {
  mean: tf.Tensor1D;
  /** Unbiased (Bessel-corrected), as PyTorch averages it. */
  variance: tf.Tensor1D;
}

export class BatchNorm2d {
  readonly gamma: tf.Variable;
  readonly beta: tf.Variable;
  readonly runningMean: tf.Variable;
  readonly runningVar: tf.Variable;
  readonly momentum: number;
  readonly eps: number;
  private pending: Pending | null = null;
  private readonly ops = new Map<string, Op>();

  constructor(store: ParameterStore, readonly name: string, readonly channels: number, opts: BatchNormOptions = {}) {
    this.momentum = opts.momentum ?? 0.1;
    this.eps = opts.eps ?? 1e-5;
    if (!(this.momentum >= 0 && this.momentum <= 1)) throw new BalmsInputError(`BatchNorm2d ${name}: momentum must be in [0, 1], got ${this.momentum}`);
    if (!(this.eps > 0)) throw new BalmsInputError(`BatchNorm2d ${name}: eps must be > 0, got ${this.eps}`);
    this.gamma = store.create(`${name}/gamma`, [channels], { kind: 'constant', value: 1 });
    this.beta = store.create(`${name}/beta`, [channels], { kind: 'zeros' });
    this.runningMean = store.create(`${name}/running_mean`, [channels], { kind: 'zeros' }, false);
    this.runningVar = store.create(`${name}/running_var`, [channels], { kind: 'constant', value: 1 }, false);
  }

  apply(x: tf.Tensor4D, opts: BatchNormApplyOptions): tf.Tensor4D {
    if (x.rank !== 4 || x.shape[3] !== this.channels) throw new BalmsInputError(`BatchNorm2d ${this.name}: expected [N, H, W, ${this.channels}], got [${x.shape}]`);
    const r = opts.residual;
    if (r && !tf.util.arraysEqual(r.shape, x.shape)) throw new BalmsInputError(`BatchNorm2d ${this.name}: residual [${r.shape}] does not match x [${x.shape}]`);
    const relu = opts.relu ?? false;
    if (!opts.training) {
      return tf.tidy(() => {
        let y: tf.Tensor4D = tf.batchNorm(x, this.runningMean as tf.Tensor1D, this.runningVar as tf.Tensor1D, this.beta as tf.Tensor1D, this.gamma as tf.Tensor1D, this.eps);
        if (r) y = tf.add(y, r);
        return relu ? tf.relu(y) : y;
      });
    }
    const count = x.shape[0] * x.shape[1] * x.shape[2];
    if (count < 2) throw new BalmsInputError(`BatchNorm2d ${this.name}: training needs more than one value per channel, got [${x.shape}]`);
    const op = this.op(relu, !!r);
    return (r ? op(x, this.gamma, this.beta, r) : op(x, this.gamma, this.beta)) as tf.Tensor4D;
  }

  /**
   * Moves the running statistics towards the last training forward's batch (PyTorch's update:
   * `running = (1 − momentum)·running + momentum·batch`, the variance unbiased) and forgets that batch.
   * Returns false when no training forward ran since the last update.
   */
  updateRunningStats(): boolean {
    const p = this.pending;
    if (!p) return false;
    this.pending = null;
    const m = this.momentum;
    tf.tidy(() => {
      this.runningMean.assign(tf.add(tf.mul(this.runningMean, 1 - m), tf.mul(p.mean, m)));
      this.runningVar.assign(tf.add(tf.mul(this.runningVar, 1 - m), tf.mul(p.variance, m)));
    });
    tf.dispose([p.mean, p.variance]);
    return true;
  }

  /** Drops the recorded batch statistics without applying them. */
  discardPendingStats(): void {
    if (this.pending) tf.dispose([this.pending.mean, this.pending.variance]);
    this.pending = null;
  }

  /** Keeps the batch mean and unbiased variance for the next {@link updateRunningStats}. */
  private record(mean: tf.Tensor1D, unbiasedVariance: tf.Tensor1D): void {
    this.discardPendingStats();
    // clones share the data but not the lifetime of the tensors the gradient tape saved
    this.pending = { mean: tf.keep(tf.clone(mean)), variance: tf.keep(tf.clone(unbiasedVariance)) };
  }

  private op(relu: boolean, withResidual: boolean): Op {
    const key = `${relu}|${withResidual}`;
    let op = this.ops.get(key);
    if (!op) {
      op = this.makeOp(relu, withResidual);
      this.ops.set(key, op);
    }
    return op;
  }

  private makeOp(relu: boolean, withResidual: boolean): Op {
    const eps = this.eps;
    return tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
      const x = args[0] as tf.Tensor4D;
      const gamma = args[1] as tf.Tensor1D;
      const beta = args[2] as tf.Tensor1D;
      const r = withResidual ? (args[3] as tf.Tensor4D) : null;
      const save = args[withResidual ? 4 : 3] as tf.GradSaveFunc;
      const count = x.shape[0] * x.shape[1] * x.shape[2];
      const native = nativeBatchNormAvailable();
      let y: tf.Tensor4D;
      let saved: tf.Tensor[];
      if (native) {
        // TensorFlow's fused training kernels: one op forward, one backward
        const f = fusedBatchNormTraining(x, gamma, beta, eps);
        this.record(f.mean, f.unbiasedVariance);
        y = f.y;
        saved = [x, gamma, ...f.reserve];
      } else {
        const { mean, variance } = tf.moments(x, [0, 1, 2]) as { mean: tf.Tensor1D; variance: tf.Tensor1D };
        this.record(mean, tf.mul(variance, count / (count - 1)));
        y = tf.batchNorm(x, mean, variance, beta, gamma, eps);
        saved = [x, gamma, mean, variance];
      }
      if (r) y = tf.add(y, r);
      if (relu) y = tf.relu(y);
      save(relu ? [...saved, y] : saved);
      return {
        value: y,
        gradFunc: (dy: tf.Tensor, s: tf.Tensor[]) =>
          tf.tidy(() => {
            const sx = s[0] as tf.Tensor4D;
            const sg = s[1] as tf.Tensor1D;
            const sy = relu ? s[s.length - 1]! : null;
            let grads: tf.Tensor[];
            let dz: tf.Tensor;
            if (native) {
              dz = sy ? nativeReluGrad(dy, sy) : dy;
              grads = fusedBatchNormGrad(dz as tf.Tensor4D, sx, sg, s.slice(2, 5), eps);
            } else {
              dz = sy ? tf.mul(dy, tf.step(sy)) : dy;
              grads = batchNormGrad(dz, sx, sg, s[2] as tf.Tensor1D, s[3] as tf.Tensor1D, eps);
            }
            return withResidual ? [...grads, dz] : grads;
          }),
      };
    }) as unknown as Op;
  }
}

/**
 * `[dx, dγ, dβ]` of training-mode batch norm for upstream `dz`, with the batch mean and biased variance:
 * `dβ = Σdz`, `dγ = rstd·Σdz·(x − μ)`, `dx = γ·rstd·(dz − dβ/M − (x − μ)·rstd²·Σdz·(x − μ)/M)`.
 */
function batchNormGrad(dz: tf.Tensor, x: tf.Tensor4D, gamma: tf.Tensor1D, mean: tf.Tensor1D, variance: tf.Tensor1D, eps: number): tf.Tensor[] {
  const count = x.shape[0] * x.shape[1] * x.shape[2];
  const rstd = tf.rsqrt(tf.add(variance, eps));
  const xc = tf.sub(x, mean);
  const s1 = tf.sum(dz, [0, 1, 2]);
  const s2 = tf.sum(tf.mul(dz, xc), [0, 1, 2]);
  const k1 = tf.mul(gamma, rstd);
  const k2 = tf.mul(k1, tf.mul(tf.square(rstd), tf.div(s2, -count)));
  const dx = tf.add(tf.add(tf.mul(dz, k1), tf.mul(xc, k2)), tf.mul(k1, tf.div(s1, -count)));
  return [dx, tf.mul(s2, rstd), s1];
}
