/**
 * The one-step look-ahead of a linear classifier (logits = X·W + b on detached features), the
 * core of the Meta Sampler and the Meta Reweighter.
 *
 * The training loss is L_train(θ) = Σ_i A_i ℓ_i(θ) with per-row losses ℓ_i of the logits and
 * coefficients A_i (which the meta learner's parameters decide). One SGD step (PyTorch's
 * convention: g = ∇L_train + λθ, buf = μ·buf_prev + g, θ' = θ − lr·(nesterov ? g + μ·buf : buf),
 * λ = weightDecay for W and weightDecayBias for b) gives θ'; the meta loss L_meta(θ') is
 * evaluated on a meta batch. The step is affine in ∇L_train: θ' = θ̃ − γ·∇L_train with the gain
 * γ = lr (lr·(1 + μ) with Nesterov) and θ̃ = θ − lr·(κλθ + νbuf_prev), κ = γ/lr, ν = μ (μ² with
 * Nesterov). Since only ∇L_train depends on the A_i,
 *     ∂L_meta(θ')/∂A_i = −γ · ⟨∇_θ L_meta(θ'), ∇_θ ℓ_i(θ)⟩ =: −γ · s_i.
 * For a linear layer ∇_W ℓ_i = x_i δ_iᵀ and ∇_b ℓ_i = δ_i with δ_i = ∂ℓ_i/∂z_i, and with
 * Δ_m = ∂L_meta/∂Z'_m (meta rows), ∇_W L_meta = X_mᵀΔ_m, ∇_b L_meta = 1ᵀΔ_m, so
 *     s_i = δ_iᵀ · (Kᵀ Δ_m)_i,   K = X_m Xᵀ + 1   (the +1 is the bias),
 * and the meta logits need no explicit θ': Z'_m = X_m W̃ + b̃ − γ · K · (A ⊙ Δ), where W̃, b̃
 * are the A-independent part of the step.
 * Gradient clipping (`clipGradNorm` c, PyTorch `clip_grad_norm_`: G ← G·c/(‖G‖ + ε) when ‖G‖ > c,
 * before weight decay) keeps the step affine in G but scales it by ρ = c/(‖G‖ + ε), and ρ depends
 * on A: with n = ‖G‖, q_i = ⟨G, ∇ℓ_i⟩ and u = Σ_j A_j s_j = ⟨∇L_meta(θ'), G⟩,
 *     ∂L_meta(θ')/∂A_i = −γ·ρ·(s_i − u·q_i / (n(n + ε))),
 * which is what `alignment` then holds (times γ⁻¹); q costs one Xᵀ(A⊙Δ) and one X·G_W product.
 * Cost: O((B + M)·D·C + B·M·(D + C)) — no D×C gradient is ever formed.
 */
import * as tf from '@tensorflow/tfjs';
import { CLIP_EPS } from '../solver/clipGradients.js';
import { checkInnerStep, innerStepGain, type InnerStep } from '../solver/innerStep.js';
import { BalmsInputError } from '../util/errors.js';

/** A linear classifier on D-dim features: logits = features · weight + bias. */
export interface LinearClassifier {
  /** [D, C] */
  weight: tf.Tensor2D;
  /** [C] */
  bias: tf.Tensor1D;
}

/** Per-row losses ℓ_i (shape [N]) of logits [N, C] and int32 labels [N]. */
export type RowLoss = (logits: tf.Tensor2D, labels: tf.Tensor1D) => tf.Tensor1D;
/** A scalar loss of logits [N, C] and int32 labels [N]. */
export type ScalarLoss = (logits: tf.Tensor2D, labels: tf.Tensor1D) => tf.Scalar;

export interface LabelledBatch {
  /** [N, D] float32, detached features. */
  features: tf.Tensor2D;
  /** [N] int32. */
  labels: tf.Tensor1D;
}

export interface LookAheadInput {
  classifier: LinearClassifier;
  train: LabelledBatch;
  /** A_i, the coefficient of ℓ_i in the training loss (length B). */
  trainCoefficients: ArrayLike<number>;
  meta: LabelledBatch;
  trainLoss: RowLoss;
  metaLoss: ScalarLoss;
  step: InnerStep;
  /** Also return ∇_θ L_train(θ) = (Xᵀ(A ⊙ Δ), Σ_i A_i δ_i) — one extra D×B×C product. */
  returnTrainGradient?: boolean;
}

export interface LookAheadResult {
  /** L_meta(θ') */
  metaLoss: number;
  /** s_i = ⟨∇_θ L_meta(θ'), ∇_θ ℓ_i(θ)⟩ per training row (with active clipping, the corrected s_i of the module comment): ∂L_meta(θ')/∂A_i = −γ·s_i. */
  alignment: Float32Array;
  /** γ of the step ({@link innerStepGain}): ∂L_meta(θ')/∂A_i = −γ·s_i. */
  stepGain: number;
  /** ∇_θ L_train(θ) when asked for; the caller owns (and disposes) these tensors. */
  trainGradient?: LinearClassifier;
}

function checkBatch(what: string, b: LabelledBatch, d: number): number {
  const [n, dd] = b.features.shape;
  if (b.features.rank !== 2 || dd !== d) throw new BalmsInputError(`${what}.features must be [N, ${d}], got [${b.features.shape}]`);
  if (b.features.dtype !== 'float32') throw new BalmsInputError(`${what}.features must be float32, got ${b.features.dtype}`);
  if (b.labels.rank !== 1 || b.labels.shape[0] !== n) throw new BalmsInputError(`${what}.labels must be [${n}], got [${b.labels.shape}]`);
  if (b.labels.dtype !== 'int32') throw new BalmsInputError(`${what}.labels must be int32, got ${b.labels.dtype}`);
  return n;
}

/**
 * Clipping at global norm `c` of G = (Xᵀ(A⊙Δ), Σ A_i δ_i): ρ (1 when ‖G‖ ≤ c), q_i = ⟨G, ∇ℓ_i⟩
 * and the factor 1/(n(n + ε)) of the correction (0 when not clipped). Null without clipping.
 */
function clipping(c: number, X: tf.Tensor2D, delta: tf.Tensor2D, aDelta: tf.Tensor) {
  if (!(c > 0)) return null;
  const gW = tf.matMul(tf.transpose(X), aDelta), gb = tf.sum(aDelta, 0);
  const n = tf.sqrt(tf.add(tf.sum(tf.square(gW)), tf.sum(tf.square(gb))));
  const clipped = tf.greater(n, c);
  const rho = tf.where(clipped, tf.div(c, tf.add(n, CLIP_EPS)), tf.onesLike(n));
  const qScale = tf.where(clipped, tf.div(1, tf.mul(n, tf.add(n, CLIP_EPS))), tf.zerosLike(n));
  const q = tf.sum(tf.mul(tf.add(tf.matMul(X, gW), gb), delta), 1);
  return { gW, gb, rho, qScale, q };
}

/**
 * Evaluates the look-ahead (see the module comment): L_meta(θ') and every s_i. One read-back;
 * all intermediate tensors are disposed.
 */
export function linearLookAhead(input: LookAheadInput): LookAheadResult {
  const { classifier, train, meta, step } = input;
  checkInnerStep(step);
  if (classifier.weight.rank !== 2) throw new BalmsInputError(`classifier.weight must be [D, C], got [${classifier.weight.shape}]`);
  const [d, c] = classifier.weight.shape;
  if (classifier.bias.rank !== 1 || classifier.bias.shape[0] !== c) {
    throw new BalmsInputError(`classifier.bias must be [${c}], got [${classifier.bias.shape}]`);
  }
  const b = checkBatch('train', train, d);
  checkBatch('meta', meta, d);
  if (input.trainCoefficients.length !== b) {
    throw new BalmsInputError(`${input.trainCoefficients.length} train coefficients for ${b} rows`);
  }
  const lr = step.lr, mu = step.momentum ?? 0, gain = innerStepGain(step);
  // θ̃ = θ − lr·(κλθ + ν·buf): κ = γ/lr (1 without Nesterov), ν = μ (μ² with Nesterov).
  const nesterov = !!step.nesterov && mu > 0;
  const kappa = nesterov ? 1 + mu : 1, nu = nesterov ? mu * mu : mu;
  const wd = kappa * (step.weightDecay ?? 0), wdb = kappa * (step.weightDecayBias ?? step.weightDecay ?? 0);
  const [lossT, alignT, gW, gb] = tf.tidy(() => {
    const { weight: W, bias } = classifier;
    const X = train.features, Xm = meta.features;
    const Z = tf.add(tf.matMul(X, W), bias) as tf.Tensor2D;
    // δ_i = ∂ℓ_i/∂z_i: rows of the gradient of Σ_i ℓ_i (ℓ_i depends on row i only).
    const delta = tf.grad((z: tf.Tensor) => tf.sum(input.trainLoss(z as tf.Tensor2D, train.labels)))(Z) as tf.Tensor2D;
    const coef = tf.tensor2d(Float32Array.from(input.trainCoefficients), [b, 1]);
    const aDelta = tf.mul(delta, coef);
    // K = X_m Xᵀ + 1 ([M, B]); explicit transposes (wasm's transpose flags are slow).
    const K = tf.add(tf.matMul(Xm, tf.transpose(X)), 1) as tf.Tensor2D;
    // The A-independent part of the step.
    let Wt: tf.Tensor = W, bt: tf.Tensor = bias;
    if (wd > 0 || wdb > 0 || (mu > 0 && step.momentumBuffer)) {
      let dW: tf.Tensor = tf.mul(W, wd), db: tf.Tensor = tf.mul(bias, wdb);
      if (mu > 0 && step.momentumBuffer) {
        dW = tf.add(dW, tf.mul(step.momentumBuffer.weight, nu));
        db = tf.add(db, tf.mul(step.momentumBuffer.bias, nu));
      }
      Wt = tf.sub(W, tf.mul(dW, lr));
      bt = tf.sub(bias, tf.mul(db, lr));
    }
    const clip = clipping(step.clipGradNorm ?? 0, X, delta, aDelta);
    const shiftM = tf.mul(tf.matMul(K, aDelta), gain);
    const Zm = tf.sub(tf.add(tf.matMul(Xm, Wt), bt), clip ? tf.mul(shiftM, clip.rho) : shiftM) as tf.Tensor2D;
    const { value, grad } = tf.valueAndGrad((z: tf.Tensor) => input.metaLoss(z as tf.Tensor2D, meta.labels))(Zm);
    const H = tf.matMul(tf.transpose(K), grad); // [B, C]
    let s = tf.sum(tf.mul(delta, H), 1);
    if (clip) {
      const u = tf.sum(tf.mul(s, tf.reshape(coef, [b])));
      s = tf.mul(tf.sub(s, tf.mul(tf.mul(u, clip.q), clip.qScale)), clip.rho) as tf.Tensor1D;
    }
    if (!input.returnTrainGradient) return [value, s];
    return [value, s, clip?.gW ?? tf.matMul(tf.transpose(X), aDelta), clip?.gb ?? tf.sum(aDelta, 0)];
  });
  try {
    const metaLoss = lossT.dataSync()[0]!;
    const alignment = Float32Array.from(alignT.dataSync());
    return gW && gb
      ? { metaLoss, alignment, stepGain: gain, trainGradient: { weight: gW as tf.Tensor2D, bias: gb as tf.Tensor1D } }
      : { metaLoss, alignment, stepGain: gain };
  } catch (e) {
    tf.dispose([gW, gb].filter((t): t is tf.Tensor => !!t));
    throw e;
  } finally {
    tf.dispose([lossT, alignT]);
  }
}
