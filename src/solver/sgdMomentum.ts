/**
 * SGD with momentum and coupled L2 weight decay, PyTorch/detectron2 semantics:
 *   g ← g + wd·w;  v ← m·v + g;  w ← w − lr·(nesterov ? g + m·v : v).
 * tfjs's optimizers have no weight decay and no saveable per-name state; this one keeps the velocity
 * per variable name so a checkpoint restores training exactly.
 */
import * as tf from '@tensorflow/tfjs';
import { BalmsInputError, BalmsInternalError } from '../util/errors.js';
import type { InnerStep } from './innerStep.js';

export interface SgdConfig {
  momentum: number;
  weightDecay: number;
  /** Weight decay for 1-D parameters (biases, norms); detectron2 uses the same value by default. */
  weightDecayBias: number;
  nesterov: boolean;
}

export class SgdMomentum {
  private readonly velocity_ = new Map<string, tf.Variable>();

  constructor(private readonly cfg: SgdConfig) {}

  /** Applies one step to `vars` with `grads` (same names); grads are not disposed. */
  step(vars: ReadonlyMap<string, tf.Variable>, grads: Readonly<Record<string, tf.Tensor>>, lr: number): void {
    const { momentum: m, nesterov } = this.cfg;
    tf.tidy(() => {
      for (const [name, g0] of Object.entries(grads)) {
        const w = vars.get(name);
        if (!w) throw new BalmsInternalError(`SgdMomentum: gradient for unknown variable ${name}`);
        const wd = w.rank <= 1 ? this.cfg.weightDecayBias : this.cfg.weightDecay;
        const g = wd > 0 ? g0.add(w.mul(wd)) : g0;
        let v = this.velocity_.get(name);
        if (!v) {
          v = tf.variable(tf.zerosLike(w), false, `${name}/momentum`);
          this.velocity_.set(name, v);
        }
        const vNew = m > 0 ? v.mul(m).add(g) : g;
        v.assign(vNew);
        const update = nesterov ? g.add(vNew.mul(m)) : vNew;
        w.assign(w.sub(update.mul(lr)));
      }
    });
  }

  /**
   * The step this optimiser takes on a linear classifier (variables `weight` `[D, C]` and `bias`
   * `[C]`, by name) at `lr`, as the meta learners' look-ahead describes it: its own momentum,
   * Nesterov flag, weight decay of each (by rank, as `step` chooses it) and momentum buffers.
   */
  innerStep(vars: ReadonlyMap<string, tf.Variable>, weight: string, bias: string, lr: number): InnerStep {
    const w = vars.get(weight), b = vars.get(bias);
    if (!w || !b || w.rank !== 2 || b.rank !== 1) throw new BalmsInputError(`SgdMomentum.innerStep: ${weight} and ${bias} must be a [D, C] and a [C] variable`);
    const bw = this.velocity_.get(weight), bb = this.velocity_.get(bias);
    return {
      lr,
      momentum: this.cfg.momentum,
      nesterov: this.cfg.nesterov,
      weightDecay: this.cfg.weightDecay,
      weightDecayBias: this.cfg.weightDecayBias,
      ...(bw && bb ? { momentumBuffer: { weight: bw as tf.Tensor as tf.Tensor2D, bias: bb as tf.Tensor as tf.Tensor1D } } : {}),
    };
  }

  /** The momentum buffer of a variable (undefined before its first step). */
  velocity(name: string): tf.Tensor | undefined {
    return this.velocity_.get(name);
  }

  /** The optimizer state, for checkpoints: one tensor per variable that has taken a step. */
  stateTensors(): Map<string, tf.Tensor> {
    const out = new Map<string, tf.Tensor>();
    for (const [k, v] of this.velocity_) out.set(`${k}/momentum`, v);
    return out;
  }

  /** Restores state saved by `stateTensors` (copies the data; the caller keeps ownership of `state`). */
  loadState(state: ReadonlyMap<string, tf.Tensor>): void {
    this.dispose();
    for (const [k, t] of state) {
      if (!k.endsWith('/momentum')) continue;
      const name = k.slice(0, -'/momentum'.length);
      // tf.variable keeps the data, not the tensor it was made from: dispose that one (else one leaks per variable)
      const copy = t.clone();
      this.velocity_.set(name, tf.variable(copy, false, `${name}/momentum`));
      copy.dispose();
    }
  }

  dispose(): void {
    for (const v of this.velocity_.values()) v.dispose();
    this.velocity_.clear();
  }
}
