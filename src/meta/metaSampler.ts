/**
 * The Meta Sampler of Balanced Meta-Softmax (Ren et al. 2020): a learnable sampling rate
 * σ(w_c) per class; an item of class c is drawn with probability
 *     p_i(w) = σ(w_{y_i}) / Σ_k n_k σ(w_k)        (class mass n_c·σ(w_c), n_c = training count).
 * The official code makes the draw differentiable with a straight-through Gumbel-softmax whose
 * forward value is 1. Here the same quantity is written as an importance weight: a batch drawn
 * with the current rates w̄ is trained on L_train = (1/B) Σ_i [p_i(w)/p_i(w̄)] ℓ_i — its value is
 * the plain batch mean, and its gradient is the exact score-function gradient of the expected
 * loss E_{p(w)}[ℓ]:   ∂A_i/∂w_c = A_i (1 − σ_c)([y_i = c] − P_c),  P_c = n_c σ_c / Σ_k n_k σ_k.
 * One look-ahead SGD step of the (linear) classifier on L_train with Balanced Softmax, then plain
 * softmax cross-entropy on a class-balanced meta batch; Adam (lr 0.01) on w.
 */
import { indexItemClasses, type ItemClassesInput } from '../sampling/itemClasses.js';
import { imageFactorsFromClassFactors, repeatFactors, type RepeatFactorOptions } from '../sampling/repeatFactors.js';
import { BalmsInputError } from '../util/errors.js';
import type { AdamOptions } from './adam.js';
import { classLogitGradient } from './classLogitGradient.js';
import type { RowLoss, ScalarLoss } from './linearLookAhead.js';
import { balancedSoftmaxRows, ClassLogitLearner, labelsOf, meanSoftmaxCrossEntropy, type MetaStepInput, type MetaStepResult } from './metaLearner.js';

export interface MetaSamplerOptions {
  /** n_c, the training count of each class (length C). */
  classCounts: ArrayLike<number>;
  /** Initial rates ∝ p_c^−initPow scaled into (0, 1) as the official code (0: all 0.5). */
  initPow?: number;
  /** Adam on w; default lr 0.01, betas (0.9, 0.999), eps 1e-8. */
  adam?: AdamOptions;
  /** Per-row training loss; default Balanced Softmax with `classCounts`. */
  trainLoss?: RowLoss;
  /** Meta loss; default mean softmax cross-entropy. */
  metaLoss?: ScalarLoss;
}

/** Initial per-class logits: σ(w_c) = p_c^−pow / (min + max) over classes (official init_pow). */
export function initialRateLogits(classCounts: ArrayLike<number>, initPow: number): Float64Array {
  if (!Number.isFinite(initPow) || initPow < 0) throw new BalmsInputError(`initPow must be a finite number ≥ 0, got ${initPow}`);
  const C = classCounts.length;
  let total = 0;
  for (let c = 0; c < C; c++) {
    const n = classCounts[c]!;
    if (!Number.isFinite(n) || n < 0) throw new BalmsInputError(`classCounts[${c}] = ${n} is not a count ≥ 0`);
    total += n;
  }
  const v = new Float64Array(C);
  let lo = Infinity, hi = -Infinity;
  for (let c = 0; c < C; c++) {
    const p = classCounts[c]! / total;
    v[c] = initPow === 0 ? 1 : Math.pow(p, -initPow);
    if (!Number.isFinite(v[c]!)) throw new BalmsInputError(`initPow ${initPow} needs every class count > 0 (class ${c} has 0)`);
    lo = Math.min(lo, v[c]!);
    hi = Math.max(hi, v[c]!);
  }
  const w = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    const r = v[c]! / (lo + hi);
    w[c] = Math.log(r / (1 - r));
  }
  return w;
}

export class MetaSampler extends ClassLogitLearner {
  readonly classCounts: Float64Array;

  /** @example const ms = new MetaSampler({ classCounts: [500, 50, 5] }); */
  constructor(opts: MetaSamplerOptions) {
    if (opts.classCounts.length < 1) throw new BalmsInputError('MetaSampler: classCounts is empty');
    const logits = initialRateLogits(opts.classCounts, opts.initPow ?? 0);
    const counts = Float64Array.from(opts.classCounts);
    super({ kind: 'meta-sampler', logits, adam: opts.adam, trainLoss: opts.trainLoss ?? balancedSoftmaxRows(counts), metaLoss: opts.metaLoss ?? meanSoftmaxCrossEntropy });
    this.classCounts = counts;
  }

  /** σ(w_c) per class. */
  rates(): Float64Array {
    return this.sigmoidOfLogits();
  }

  /** Class sampling mass n_c·σ(w_c), for `ClassAwareSampler.setClassMass`. */
  classSamplingMass(): Float64Array {
    const r = this.rates();
    return r.map((v, c) => v * this.classCounts[c]!);
  }

  /** P_c = n_c σ_c / Σ_k n_k σ_k. */
  private share(rates: Float64Array): Float64Array {
    let z = 0;
    for (let c = 0; c < rates.length; c++) z += this.classCounts[c]! * rates[c]!;
    return rates.map((v, c) => (this.classCounts[c]! * v) / z);
  }

  /**
   * ∂L_meta(θ')/∂w for one look-ahead (no update). With `trainGradient: true` the result also
   * carries the gradient of the unweighted training loss at θ (the same batch mean), so the real
   * classifier step needs no second forward/backward pass.
   */
  metaGradient(input: MetaStepInput, opts: { trainGradient?: boolean } = {}): MetaStepResult {
    const labels = labelsOf(input.train.labels);
    const B = labels.length;
    if (B === 0) throw new BalmsInputError('MetaSampler: empty training batch');
    const coef = new Float64Array(B).fill(1 / B);
    const { metaLoss, alignment, stepGain, trainGradient } = this.lookAhead(input, coef, opts.trainGradient ?? false);
    const rates = this.rates();
    const gradient = classLogitGradient(labels, coef, alignment, rates, this.share(rates), stepGain);
    return trainGradient ? { metaLoss, gradient, trainGradient } : { metaLoss, gradient };
  }

  /** One meta step: the meta-gradient, then Adam on w. */
  step(input: MetaStepInput, opts: { trainGradient?: boolean } = {}): MetaStepResult {
    const r = this.metaGradient(input, opts);
    this.adamStep(r.gradient);
    return r;
  }

  /**
   * Detection: per-image repeat factors composed with RFS. With m(I) = max_{c∈I} σ(w_c),
   *     r(I) = r_RFS(I) · m(I) / κ,    κ = Σ_I r_RFS(I)·m(I) / Σ_I r_RFS(I)  (over annotated images),
   * and r(I) = r_RFS(I) for an image without annotations. The max mirrors how RFS lifts an image
   * to its rarest category; κ keeps the expected epoch length Σ r(I) equal to RFS's, so the
   * rates only redistribute the iteration budget (with equal rates r = r_RFS exactly).
   * Category ids must be class indices in [0, numClasses).
   */
  imageRepeatFactors(
    imageCategories: ItemClassesInput,
    opts: RepeatFactorOptions & { baseFactors?: ArrayLike<number> } = {},
  ): Float64Array {
    const ix = indexItemClasses(imageCategories, this.numClasses);
    const base = opts.baseFactors ? Float64Array.from(opts.baseFactors) : repeatFactors(ix, opts);
    if (base.length !== ix.numItems) throw new BalmsInputError(`${base.length} base factors for ${ix.numItems} images`);
    const m = imageFactorsFromClassFactors(ix, this.rates(), NaN);
    let num = 0, den = 0;
    for (let i = 0; i < m.length; i++) {
      if (Number.isNaN(m[i]!)) continue;
      num += base[i]! * m[i]!;
      den += base[i]!;
    }
    const kappa = num > 0 ? num / den : 1;
    return base.map((r, i) => (Number.isNaN(m[i]!) ? r : (r * m[i]!) / kappa));
  }
}
