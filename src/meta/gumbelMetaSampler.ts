/**
 * The Meta Sampler in the official classification form (BALMS `data/MetaSampler.py`): one logit
 * w_c per class; every training instance n of class y_n weighs u_n = σ(w_{y_n}); each of the B
 * batch rows is one straight-through Gumbel-softmax draw over all N instances,
 *     y_soft_b = softmax((log u + g_b)/τ),  s_b = one_hot(argmax) − y_soft_b.detach() + y_soft_b,
 * (τ = 1, hard, with replacement), and the batch loss Σ_n (s.detach()·s)_bn ℓ_n has the value of the
 * plain batch mean while its gradient reaches w through the soft draw of the picked instance j_b:
 *     ∂s_b/∂w_c = (1/τ) · y_soft_{b,j_b} · ([y_{j_b} = c] − Y_{b,c}) · (1 − σ(w_c)),
 * Y_{b,c} = Σ_{n: y_n = c} y_soft_{b,n}. The classifier's one-step look-ahead on that loss is the
 * engine's real optimiser step (`linearLookAhead` with `SgdMomentum.innerStep`), which gives
 * ∂L_meta(θ')/∂(coefficient of ℓ_b) = −γ·alignment_b; the coefficient is s_b/B, so
 *     ∂L_meta/∂w_c = Σ_b (−γ·alignment_b / B) · ∂s_b/∂w_c.
 * Adam (lr 0.01) steps w. The official code queues the one-hot draws in a FIFO because its data
 * loader fetches the drawn images later; on precomputed features the draw is used at once.
 * Cost of a draw: B·N uniforms and logarithms, no allocation per sample.
 */
import { BalmsInputError } from '../util/errors.js';
import type { Rng } from '../util/rng.js';
import type { AdamOptions } from './adam.js';
import type { RowLoss, ScalarLoss } from './linearLookAhead.js';
import { ClassLogitLearner, type MetaStepInput } from './metaLearner.js';
import { initialRateLogits } from './metaSampler.js';

export interface GumbelMetaSamplerOptions {
  /** y_n, the class of every training instance (length N). */
  labels: Int32Array;
  numClasses: number;
  /** Initial rates ∝ p_c^−initPow scaled into (0, 1) (0: all 0.5, the official default). */
  initPow?: number;
  /** Gumbel-softmax temperature (official: 1). */
  tau?: number;
  adam?: AdamOptions;
  /** Per-row training loss of the look-ahead (the stage-2 loss, e.g. Balanced Softmax). */
  trainLoss: RowLoss;
  /** Meta loss on the class-balanced meta batch (official: plain softmax cross-entropy). */
  metaLoss: ScalarLoss;
}

/** One batch of straight-through Gumbel-softmax draws. */
export interface GumbelDraw {
  /** j_b, the instance each row picked (length B). */
  indices: Int32Array;
  /** y_soft_{b, j_b}. */
  pickedSoft: Float64Array;
  /** Y_{b,c}, row-major B×C: the soft draw's mass on each class. */
  classSoft: Float64Array;
}

export class GumbelMetaSampler extends ClassLogitLearner {
  readonly tau: number;
  private readonly labels: Int32Array;

  constructor(opts: GumbelMetaSamplerOptions) {
    const C = opts.numClasses, N = opts.labels.length;
    if (N === 0) throw new BalmsInputError('GumbelMetaSampler: no training instances');
    const counts = new Float64Array(C);
    for (let i = 0; i < N; i++) {
      const y = opts.labels[i]!;
      if (!(y >= 0 && y < C)) throw new BalmsInputError(`GumbelMetaSampler: label ${y} of instance ${i} is not in [0, ${C})`);
      counts[y]!++;
    }
    const tau = opts.tau ?? 1;
    if (!(tau > 0 && Number.isFinite(tau))) throw new BalmsInputError(`GumbelMetaSampler: tau must be > 0, got ${tau}`);
    // classes absent from train get count 1 for the init only (they are never drawn)
    const logits = initialRateLogits(counts.map((n) => n || 1), opts.initPow ?? 0);
    super({ kind: 'gumbel-meta-sampler', logits, adam: opts.adam, trainLoss: opts.trainLoss, metaLoss: opts.metaLoss });
    this.tau = tau;
    this.labels = opts.labels;
  }

  /** σ(w_c) per class: each instance's unnormalised sampling weight. */
  rates(): Float64Array {
    return this.sigmoidOfLogits();
  }

  /** Replaces w (tests: finite differences). */
  setLogits(w: ArrayLike<number>): void {
    if (w.length !== this.numClasses) throw new BalmsInputError(`GumbelMetaSampler: ${w.length} logits for ${this.numClasses} classes`);
    this.w = Float64Array.from(w);
  }

  /**
   * B straight-through Gumbel-softmax draws over the N instances, from `rng`: one uniform per
   * instance and row, U = (uint32 + ½)/2³², in row order. With E = −log U ~ Exp(1) the Gumbel noise
   * is g = −log E, so exp((log u + g)/τ) = (u/E)^{1/τ}: one log per instance, no exponential, and
   * the soft draw y_soft ∝ (u/E)^{1/τ}, its argmax the hard draw.
   */
  draw(batchSize: number, rng: Rng): GumbelDraw {
    const N = this.labels.length, C = this.numClasses, labels = this.labels, inv = 1 / this.tau;
    const u = this.rates();
    const indices = new Int32Array(batchSize), pickedSoft = new Float64Array(batchSize), classSoft = new Float64Array(batchSize * C);
    for (let b = 0; b < batchSize; b++) {
      let best = 0, max = -1, z = 0;
      const row = b * C;
      for (let n = 0; n < N; n++) {
        const e = -Math.log((rng.nextUint32() + 0.5) * 2.3283064365386963e-10);
        const y = labels[n]!;
        const w = inv === 1 ? u[y]! / e : Math.pow(u[y]! / e, inv);
        z += w;
        classSoft[row + y]! += w;
        if (w > max) {
          max = w;
          best = n;
        }
      }
      for (let c = 0; c < C; c++) classSoft[row + c]! /= z;
      indices[b] = best;
      pickedSoft[b] = max / z;
    }
    return { indices, pickedSoft, classSoft };
  }

  /**
   * ∂L_meta(θ')/∂w for a draw whose training batch (`input.train`: the picked instances' features
   * and labels, in draw order) the classifier looks ahead on; no update.
   */
  metaGradient(draw: GumbelDraw, input: MetaStepInput): { metaLoss: number; gradient: Float64Array } {
    const B = draw.indices.length, C = this.numClasses;
    if (input.train.labels.shape[0] !== B) throw new BalmsInputError(`GumbelMetaSampler: ${input.train.labels.shape[0]} training rows for ${B} draws`);
    const { metaLoss, alignment, stepGain } = this.lookAhead(input, new Float64Array(B).fill(1 / B));
    const rates = this.rates();
    const gradient = new Float64Array(C);
    for (let b = 0; b < B; b++) {
      const dS = (-stepGain * alignment[b]! / B) * (draw.pickedSoft[b]! / this.tau);
      const picked = this.labels[draw.indices[b]!]!;
      for (let c = 0; c < C; c++) gradient[c]! += dS * ((picked === c ? 1 : 0) - draw.classSoft[b * C + c]!);
    }
    for (let c = 0; c < C; c++) gradient[c]! *= 1 - rates[c]!;
    return { metaLoss, gradient };
  }

  /** One meta step: the meta-gradient, then Adam on w. Returns L_meta(θ'). */
  step(draw: GumbelDraw, input: MetaStepInput): number {
    const r = this.metaGradient(draw, input);
    this.adamStep(r.gradient);
    return r.metaLoss;
  }
}
