/**
 * The meta-gradient with respect to per-class logits w (rates σ(w_c)) shared by the Meta Sampler
 * and the Meta Reweighter. Both give training row i a coefficient A_i(w) whose derivative has the
 * form (for a foreground row, label y_i < C; background rows have constant coefficients)
 *     ∂A_i/∂w_c = A_i · (1 − σ_c) · ([y_i = c] − P_c),
 * where P_c is class c's share of the normalising mass (see each learner). With the look-ahead
 * alignments s_i and the step's gain γ (linearLookAhead: γ = lr for SGD, lr·(1 + μ) with Nesterov),
 * ∂L_meta(θ')/∂A_i = −γ·s_i, hence
 *     ∂L_meta(θ')/∂w_c = −γ · (1 − σ_c) · (T_c − P_c · U),
 *     T_c = Σ_{i: y_i = c} A_i s_i,   U = Σ_{i foreground} A_i s_i.
 */
import { BalmsInputError } from '../util/errors.js';

export function classLogitGradient(
  labels: ArrayLike<number>,
  coefficients: ArrayLike<number>,
  alignment: ArrayLike<number>,
  rates: ArrayLike<number>,
  share: ArrayLike<number>,
  gain: number,
): Float64Array {
  const C = rates.length;
  const T = new Float64Array(C);
  let U = 0;
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]!;
    if (y < 0 || !Number.isInteger(y)) throw new BalmsInputError(`train.labels[${i}] = ${y} is not a label ≥ 0`);
    if (y >= C) continue; // background: its coefficient does not depend on w
    const as = coefficients[i]! * alignment[i]!;
    T[y]! += as;
    U += as;
  }
  const g = new Float64Array(C);
  for (let c = 0; c < C; c++) g[c] = -gain * (1 - rates[c]!) * (T[c]! - share[c]! * U);
  return g;
}
