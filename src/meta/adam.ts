/**
 * Adam (Kingma & Ba; PyTorch `torch.optim.Adam` defaults and bias correction) on a small vector
 * of float64 parameters kept in JS — the meta learners' per-class logits. Its whole state is
 * plain numbers, so a checkpoint restores it exactly.
 */
import { BalmsInputError } from '../util/errors.js';

export interface AdamOptions {
  lr?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
}

export interface AdamState {
  step: number;
  m: number[];
  v: number[];
}

export class VectorAdam {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  private m: Float64Array;
  private v: Float64Array;
  private t = 0;

  constructor(size: number, opts: AdamOptions = {}) {
    this.lr = opts.lr ?? 0.01;
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.eps = opts.eps ?? 1e-8;
    if (!(this.lr > 0) || !(this.beta1 >= 0 && this.beta1 < 1) || !(this.beta2 >= 0 && this.beta2 < 1) || !(this.eps > 0)) {
      throw new BalmsInputError(`Adam: bad settings lr=${this.lr} beta1=${this.beta1} beta2=${this.beta2} eps=${this.eps}`);
    }
    this.m = new Float64Array(size);
    this.v = new Float64Array(size);
  }

  get stepCount(): number {
    return this.t;
  }

  /** params ← params − lr · m̂ / (√v̂ + eps), in place. */
  step(params: Float64Array, grad: ArrayLike<number>): void {
    if (grad.length !== params.length || params.length !== this.m.length) throw new BalmsInputError('Adam: size mismatch');
    this.t++;
    const b1 = this.beta1, b2 = this.beta2;
    const c1 = 1 - Math.pow(b1, this.t), c2 = 1 - Math.pow(b2, this.t);
    for (let i = 0; i < params.length; i++) {
      const g = grad[i]!;
      if (!Number.isFinite(g)) throw new BalmsInputError(`Adam: gradient[${i}] = ${g} is not finite`);
      this.m[i] = b1 * this.m[i]! + (1 - b1) * g;
      this.v[i] = b2 * this.v[i]! + (1 - b2) * g * g;
      params[i]! -= (this.lr * (this.m[i]! / c1)) / (Math.sqrt(this.v[i]! / c2) + this.eps);
    }
  }

  getState(): AdamState {
    return { step: this.t, m: Array.from(this.m), v: Array.from(this.v) };
  }

  setState(s: AdamState): void {
    if (!s || s.m?.length !== this.m.length || s.v?.length !== this.v.length || !Number.isInteger(s.step) || s.step < 0) {
      throw new BalmsInputError(`Adam state does not fit ${this.m.length} parameters`);
    }
    this.t = s.step;
    this.m = Float64Array.from(s.m);
    this.v = Float64Array.from(s.v);
  }
}
