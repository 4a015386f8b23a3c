/**
 * The loss registry: one entry per `loss.type`, saying what the loss is before any class statistics
 * exist — its knobs with their defaults, its family (how many logits, which probabilities, which
 * meta loss), whether the built loss has a per-row form (what the meta learners need) and which
 * class counts it is built on. Config validation, the model builder and the meta learners ask it;
 * `createClassifierLoss` builds what it describes (test/losses/lossRegistry.test.ts checks both agree).
 * Adding a loss: its config type in classifierLoss.ts, its case in `createClassifierLoss`, its entry here.
 */
import type { CountSource } from './balancedSoftmax.js';
import type { ClassifierFamily, ClassifierLossConfig } from './classifierLoss.js';

export type LossType = ClassifierLossConfig['type'];

/** What a configured loss is, from its config alone. */
export interface LossTraits {
  family: ClassifierFamily;
  /** The built loss has `rowLoss` (ℓ_i per row): what the meta learners' look-ahead needs. */
  rowLoss: boolean;
  /**
   * The class counts the loss is built on (null: none it cannot take a zero of): `source`, whether
   * a class with count 0 is fine as configured (`zeroAllowed`), and whether `loss.smoothing` is
   * the knob that lifts a zero (`smoothable`; otherwise the class needs data).
   */
  counts: { source: CountSource; zeroAllowed: boolean; smoothable: boolean } | null;
}

type ConfigOf<T extends LossType> = Extract<ClassifierLossConfig, { type: T }>;

interface LossEntry<T extends LossType> {
  /** Every knob of the loss with its default value (JSON), `type` first. */
  defaults: Readonly<Record<string, unknown>>;
  traits(cfg: ConfigOf<T>): LossTraits;
}

const smoothed = (source: CountSource, smoothing: number | undefined): LossTraits['counts'] => ({ source, zeroAllowed: (smoothing ?? 0) > 0, smoothable: true });

/** The registry, in the order `loss.type`'s choices are listed. */
export const LOSS_REGISTRY: { readonly [T in LossType]: LossEntry<T> } = {
  softmax: { defaults: { type: 'softmax' }, traits: () => ({ family: 'softmax', rowLoss: true, counts: null }) },
  balanced_softmax: {
    defaults: { type: 'balanced_softmax', countSource: 'image_count', smoothing: 0, background: { mode: 'foreground', fraction: 0.75, count: 0 }, priorCounts: 'dataset' },
    traits: (c) => ({ family: 'softmax', rowLoss: true, counts: smoothed(c.countSource ?? 'image_count', c.smoothing) }),
  },
  sigmoid: { defaults: { type: 'sigmoid' }, traits: () => ({ family: 'sigmoid', rowLoss: true, counts: null }) },
  balanced_sigmoid: {
    defaults: { type: 'balanced_sigmoid', smoothing: 0, priorCounts: 'dataset' },
    traits: (c) => ({ family: 'sigmoid', rowLoss: true, counts: smoothed('image_count', c.smoothing) }),
  },
  focal: { defaults: { type: 'focal', gamma: 2, alpha: 0.25 }, traits: () => ({ family: 'sigmoid', rowLoss: false, counts: null }) },
  class_balanced: {
    defaults: { type: 'class_balanced', beta: 0.999, base: 'softmax', countSource: 'instance_count', gamma: 2, alpha: null },
    traits: (c) => ({
      family: c.base === 'softmax' ? 'softmax' : 'sigmoid',
      rowLoss: false,
      // effective numbers (1 − β^n)/(1 − β) need n > 0, except with β = 0 (every weight 1)
      counts: { source: c.countSource ?? 'instance_count', zeroAllowed: c.beta === 0, smoothable: false },
    }),
  },
  // EQL's tail mask reads image counts, and a class with none is simply in the tail
  eql: { defaults: { type: 'eql', lambda: 0.00177 }, traits: () => ({ family: 'sigmoid', rowLoss: false, counts: null }) },
  seesaw: { defaults: { type: 'seesaw', p: 0.8, q: 2, eps: 1e-2 }, traits: () => ({ family: 'softmax', rowLoss: false, counts: null }) },
  logit_adjusted: {
    defaults: { type: 'logit_adjusted', tau: 1, countSource: 'image_count', smoothing: 0, background: { mode: 'foreground', fraction: 0.75, count: 0 }, priorCounts: 'dataset' },
    traits: (c) => ({ family: 'softmax', rowLoss: true, counts: smoothed(c.countSource ?? 'image_count', c.smoothing) }),
  },
};

export const LOSS_TYPES = Object.keys(LOSS_REGISTRY) as LossType[];

/** The traits of a configured loss. */
export function lossTraits(cfg: ClassifierLossConfig): LossTraits {
  return (LOSS_REGISTRY[cfg.type] as LossEntry<LossType>).traits(cfg as never);
}

/** The loss types whose default configuration has the traits `want` asks for (for messages that list them). */
export function lossTypesWhere(want: (t: LossTraits) => boolean): LossType[] {
  return LOSS_TYPES.filter((type) => want(lossTraits(LOSS_REGISTRY[type].defaults as unknown as ClassifierLossConfig)));
}
