/**
 * `createClassifierLoss`: the one place the RoI head gets its classification loss from, so any
 * loss plugs in by config. Softmax family: K+1 outputs (last = background), probabilities are
 * plain softmax (priors only shift training logits). Sigmoid family: K outputs, probabilities are
 * sigmoid with a zero background column appended (as the official BALMS/EQL code does).
 */
import * as tf from '@tensorflow/tfjs';
import { BalmsInputError } from '../util/errors.js';
import { logCounts, type CountSource } from './balancedSoftmax.js';
import { classBalancedLoss, classBalancedWeights, type ClassBalancedBase } from './classBalanced.js';
import { DEFAULT_BACKGROUND_PRIOR, detectionLogPrior, type BackgroundPrior } from './detectionBalancedSoftmax.js';
import { equalizationLoss, eqlTailMask } from './equalizationLoss.js';
import { focalLoss } from './focal.js';
import { checkLogitsAndLabels, checkWeights, reduceRows } from './reduce.js';
import { SeesawLoss } from './seesaw.js';
import { balancedSigmoidLoss, balancedSigmoidShift, sigmoidCrossEntropyLoss } from './sigmoidCrossEntropy.js';
import { softmaxCrossEntropyRows } from './softmaxCrossEntropy.js';

/** Softmax family: K+1 logits, the last one background; sigmoid family: K logits, background = all zero targets. */
export type ClassifierFamily = 'softmax' | 'sigmoid';

export interface ClassifierLoss {
  readonly name: string;
  /** Which probabilities the logits stand for (and which meta loss goes with the loss). */
  readonly family: ClassifierFamily;
  /** Number of classifier logits for K foreground classes: K+1 (softmax family) or K (sigmoid family). */
  outputs(numClasses: number): number;
  /** Scalar loss; labels int32 in [0, K] where K = background; optional per-RoI weights (Meta Reweighter). */
  loss(logits: tf.Tensor2D, labels: tf.Tensor1D, weights?: tf.Tensor1D): tf.Scalar;
  /**
   * The unreduced form: ℓ_i per row (shape [N]), with `loss(z, y, w)` = Σ w_i ℓ_i / N. The meta
   * learners' look-ahead needs it. Absent where the loss has none (the registry's `rowLoss` trait, lossRegistry.ts).
   */
  rowLoss?(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor1D;
  /** Test-time probabilities [N, K+1], last column = background: plain softmax for the softmax family,
   *  sigmoid with a zero background column for the sigmoid family (as the official code does). */
  probabilities(logits: tf.Tensor2D): tf.Tensor2D;
  /** Stateful losses only (Seesaw's cumulative counts): a JSON-able state for checkpoints. */
  getState?(): unknown;
  /** Restores what {@link getState} returned. */
  setState?(state: unknown): void;
}

export type ClassifierLossConfig =
  | { type: 'softmax' }
  | { type: 'balanced_softmax'; countSource?: CountSource; background?: BackgroundPrior; smoothing?: number; priorCounts?: PriorCounts }
  | { type: 'sigmoid' }
  | { type: 'balanced_sigmoid'; smoothing?: number; priorCounts?: PriorCounts }
  | { type: 'focal'; gamma: number; alpha: number }
  | { type: 'class_balanced'; beta: number; base: ClassBalancedBase; countSource?: CountSource; gamma?: number; alpha?: number | null }
  | { type: 'eql'; lambda: number }
  | { type: 'seesaw'; p: number; q: number; eps?: number }
  | { type: 'logit_adjusted'; tau: number; countSource?: CountSource; background?: BackgroundPrior; smoothing?: number; priorCounts?: PriorCounts };

/**
 * Which class counts a prior-shifted loss uses: the dataset's (`'dataset'`, the paper's and the
 * official code's choice), those of the images the training sampler feeds (`'sampled'`: under
 * RFS an image repeated r times counts r times; see `sampledClassCounts`), or the full LVIS
 * training set's from the tables in `data/` (`'lvis_v0.5'`, `'lvis_v1'`: for a small LVIS subset
 * whose own counts are too few). The caller supplies the matching {@link ClassStats}; the loss
 * itself only reads counts.
 */
export type PriorCounts = 'dataset' | 'sampled' | 'lvis_v0.5' | 'lvis_v1';
export const PRIOR_COUNTS: readonly PriorCounts[] = ['dataset', 'sampled', 'lvis_v0.5', 'lvis_v1'];

/** The prior counts the loss config asks for (`'dataset'` where the loss has no prior). */
export function priorCountsOf(cfg: ClassifierLossConfig): PriorCounts {
  return 'priorCounts' in cfg && cfg.priorCounts !== undefined ? cfg.priorCounts : 'dataset';
}

/** Whether the loss config asks for the sampled class counts. */
export function usesSampledCounts(cfg: ClassifierLossConfig): boolean {
  return priorCountsOf(cfg) === 'sampled';
}

/** Training-set statistics of the K foreground classes (index = contiguous class id). */
export interface ClassStats {
  imageCount: ArrayLike<number>;
  instanceCount: ArrayLike<number>;
  numTrainImages: number;
}


function softmaxProbabilities(logits: tf.Tensor2D): tf.Tensor2D {
  return tf.softmax(logits) as tf.Tensor2D;
}

function sigmoidProbabilities(logits: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.concat([tf.sigmoid(logits), tf.zeros([logits.shape[0], 1])], 1) as tf.Tensor2D);
}

function pickCounts(stats: ClassStats, source: CountSource | undefined): ArrayLike<number> {
  const s = source ?? 'image_count';
  if (s === 'image_count') return stats.imageCount;
  if (s === 'instance_count') return stats.instanceCount;
  throw new BalmsInputError(`countSource must be 'image_count' or 'instance_count', got '${String(s)}'`);
}

/** A softmax-family loss whose training logits are shifted by a fixed vector (`bg`: one more column, the background). */
function shiftedSoftmax(name: string, k: number, shift: Float64Array | null, bg: boolean): ClassifierLoss {
  const cols = bg ? k + 1 : k;
  const rows = (logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor1D => {
    const lab = checkLogitsAndLabels(name, logits, labels);
    if (logits.shape[1] !== cols) throw new BalmsInputError(`${name}: expected ${cols} logit columns, got ${logits.shape[1]}`);
    return softmaxCrossEntropyRows(logits, lab, shift);
  };
  return {
    name,
    family: 'softmax',
    outputs: (numClasses) => (bg ? numClasses + 1 : numClasses),
    loss(logits, labels, weights) {
      checkWeights(name, weights, logits.shape[0]);
      return tf.tidy(() => reduceRows(rows(logits, labels), { weights }) as tf.Scalar);
    },
    rowLoss: rows,
    probabilities: softmaxProbabilities,
  };
}

export interface ClassifierLossOptions {
  /**
   * Detection (default true): the RoI head's logits have a background column (softmax family: K+1
   * outputs, labels in [0, K]; sigmoid family: a zero background column in `probabilities`).
   * Image classification (false): K-way logits, labels in [0, K); Balanced Softmax shifts by
   * log n_j (the paper's form, `balancedSoftmaxLoss`) and logit adjustment by τ·log(n_j/Σn);
   * the `background` knob of those losses does not apply.
   */
  background?: boolean;
}

/** log(n_j/Σn) (+ smoothing in the counts): the class prior of K-way classification. */
function logClassPrior(counts: ArrayLike<number>, smoothing: number, fn: string): Float64Array {
  const logN = logCounts(counts, smoothing, fn);
  let total = 0;
  for (let j = 0; j < counts.length; j++) total += counts[j]! + smoothing;
  const logTotal = Math.log(total);
  return logN.map((v) => v - logTotal);
}

/**
 * Builds the classification loss of the RoI head (or, with `{ background: false }`, of a K-way
 * image classifier) from a config and the training-set class statistics. Balanced Softmax and logit adjustment use the detection prior of
 * {@link detectionLogPrior} (default background `{ mode: 'foreground' }`: the foreground classes balanced,
 * the training background share kept; counts = image_count by default,
 * as the official LVIS code uses). Class frequencies for balanced sigmoid and EQL are
 * imageCount / numTrainImages.
 */
export function createClassifierLoss(cfg: ClassifierLossConfig, stats: ClassStats, opts: ClassifierLossOptions = {}): ClassifierLoss {
  const bg = opts.background ?? true;
  const k = stats.imageCount.length;
  if (stats.instanceCount.length !== k) {
    throw new BalmsInputError(`createClassifierLoss: ${k} image counts but ${stats.instanceCount.length} instance counts`);
  }
  if (k === 0) throw new BalmsInputError('createClassifierLoss: no classes');
  const n = stats.numTrainImages;
  type SigmoidForm = (l: tf.Tensor2D, y: tf.Tensor1D, opts: { weights?: tf.Tensor1D; reduction?: 'none' }) => tf.Tensor;
  /** `withRows`: the form's `reduction: 'none'` is a per-row loss (rows independent of each other). */
  const sigmoidFamily = (name: string, f: SigmoidForm, withRows: boolean): ClassifierLoss => ({
    name,
    family: 'sigmoid',
    outputs: (numClasses) => numClasses,
    loss: (logits, labels, weights) => f(logits, labels, { weights }) as tf.Scalar,
    ...(withRows ? { rowLoss: (logits: tf.Tensor2D, labels: tf.Tensor1D) => f(logits, labels, { reduction: 'none' }) as tf.Tensor1D } : {}),
    probabilities: bg ? sigmoidProbabilities : (logits: tf.Tensor2D) => tf.sigmoid(logits) as tf.Tensor2D,
  });
  switch (cfg.type) {
    case 'softmax':
      return shiftedSoftmax('softmax', k, null, bg);
    case 'balanced_softmax': {
      const counts = pickCounts(stats, cfg.countSource);
      const shift = bg
        ? detectionLogPrior(counts, cfg.background ?? DEFAULT_BACKGROUND_PRIOR, cfg.smoothing ?? 0, 'balanced_softmax')
        : logCounts(counts, cfg.smoothing ?? 0, 'balanced_softmax');
      return shiftedSoftmax('balanced_softmax', k, shift, bg);
    }
    case 'logit_adjusted': {
      if (!Number.isFinite(cfg.tau)) throw new BalmsInputError(`logit_adjusted: tau must be finite, got ${cfg.tau}`);
      const counts = pickCounts(stats, cfg.countSource);
      const prior = bg
        ? detectionLogPrior(counts, cfg.background ?? DEFAULT_BACKGROUND_PRIOR, cfg.smoothing ?? 0, 'logit_adjusted')
        : logClassPrior(counts, cfg.smoothing ?? 0, 'logit_adjusted');
      return shiftedSoftmax('logit_adjusted', k, prior.map((v) => cfg.tau * v), bg);
    }
    case 'sigmoid':
      return sigmoidFamily('sigmoid', (l, y, o) => sigmoidCrossEntropyLoss(l, y, o), true);
    case 'balanced_sigmoid':
      balancedSigmoidShift(stats.imageCount, n, cfg.smoothing ?? 0, 'balanced_sigmoid'); // validate now
      return sigmoidFamily('balanced_sigmoid', (l, y, o) => balancedSigmoidLoss(l, y, stats.imageCount, n, { ...o, smoothing: cfg.smoothing }), true);
    case 'focal':
      return sigmoidFamily('focal', (l, y, o) => focalLoss(l, y, { weights: o.weights, gamma: cfg.gamma, alpha: cfg.alpha }), false);
    case 'eql':
      eqlTailMask(stats.imageCount, n, cfg.lambda, 'eql'); // validate now
      return sigmoidFamily('eql', (l, y, o) => equalizationLoss(l, y, stats.imageCount, n, { weights: o.weights, lambda: cfg.lambda }), false);
    case 'class_balanced': {
      const counts = pickCounts(stats, cfg.countSource ?? 'instance_count');
      classBalancedWeights(counts, cfg.beta, 'class_balanced'); // validate now
      const f: SigmoidForm = (l, y, o) =>
        classBalancedLoss(l, y, counts, { weights: o.weights, beta: cfg.beta, base: cfg.base, gamma: cfg.gamma, alpha: cfg.alpha, background: bg });
      if (cfg.base === 'softmax') {
        return { name: 'class_balanced', family: 'softmax', outputs: (c) => (bg ? c + 1 : c), loss: (l, y, w) => f(l, y, { weights: w }) as tf.Scalar, probabilities: softmaxProbabilities };
      }
      return sigmoidFamily('class_balanced', f, false);
    }
    case 'seesaw': {
      const s = new SeesawLoss(bg ? k + 1 : k, { p: cfg.p, q: cfg.q, eps: cfg.eps });
      return {
        name: 'seesaw',
        family: 'softmax',
        outputs: (c) => (bg ? c + 1 : c),
        loss: (l, y, w) => s.loss(l, y, { weights: w }) as tf.Scalar,
        probabilities: softmaxProbabilities,
        getState: () => s.getState(),
        setState: (state) => s.setState(state as { cumCounts: ArrayLike<number> }),
      };
    }
    default:
      throw new BalmsInputError(`createClassifierLoss: unknown loss type '${(cfg as { type: unknown }).type}'`);
  }
}
