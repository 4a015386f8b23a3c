/**
 * One optimisation step: the full detector (stage 1, or stage 2 with more than the classifier
 * trainable), or the classifier alone on frozen RoI features (decoupled stage 2), with the Meta
 * Sampler / Meta Reweighter's look-ahead step first when configured.
 */
import * as tf from '@tensorflow/tfjs';
import type { ClassifierLoss } from '../losses/index.js';
import type { DetectorModel, InstanceTargets } from '../modeling/index.js';
import { BalmsInputError } from '../util/errors.js';
import type { Rng } from '../util/rng.js';
import { clipGradientsByGlobalNorm } from '../solver/clipGradients.js';
import type { StageTwoMetaLearner } from './stageTwoMetaLearner.js';
import type { SgdMomentum } from '../solver/sgdMomentum.js';

export interface StepBatch {
  images: tf.Tensor4D;
  imageSizes: [number, number][];
  targets: InstanceTargets[];
  /** What the model's `prepare` added (a frozen graph's outputs). */
  prepared?: unknown;
}

export interface StepContext {
  detector: DetectorModel;
  loss: ClassifierLoss;
  optimizer: SgdMomentum;
  /** Variables updated by the step, by parameter-store name (the names checkpoints use). */
  trainable: Map<string, tf.Variable>;
  lr: number;
  clipGradNorm: number;
  rng: Rng;
}

export interface StepResult {
  /** Named loss values (and `total_loss`, `grad_norm`, `meta_loss` where they apply). */
  values: Record<string, number>;
}

function readAndDispose(tensors: Record<string, tf.Scalar>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, t] of Object.entries(tensors)) {
    out[k] = t.dataSync()[0]!;
    t.dispose();
  }
  return out;
}

/** `grads` come keyed by tfjs variable name (scoped); the optimizer keys its state by store name. */
function applyGradients(ctx: StepContext, grads: Record<string, tf.Tensor>): number {
  const byStoreName: Record<string, tf.Tensor> = {};
  for (const [name, v] of ctx.trainable) {
    const g = grads[v.name];
    if (g) byStoreName[name] = g;
  }
  const clipped = clipGradientsByGlobalNorm(byStoreName, ctx.clipGradNorm);
  ctx.optimizer.step(ctx.trainable, clipped.grads, ctx.lr);
  tf.dispose(Object.values(clipped.grads));
  return clipped.norm;
}

/** Full-detector step: every configured loss, gradients for `ctx.trainable`. */
export function detectorStep(ctx: StepContext, batch: StepBatch): StepResult {
  const parts: Record<string, tf.Scalar> = {};
  const vars = [...ctx.trainable.values()];
  const { value, grads } = tf.variableGrads(() => {
    const losses = ctx.detector.computeLosses(batch, ctx.rng);
    for (const [k, v] of Object.entries(losses)) parts[k] = tf.keep(v);
    return tf.addN(Object.values(losses)) as tf.Scalar;
  }, vars);
  const values = readAndDispose(parts);
  values['total_loss'] = value.dataSync()[0]!;
  value.dispose();
  values['grad_norm'] = applyGradients(ctx, grads);
  return { values };
}

export interface ClassifierStepContext extends StepContext {
  meta: StageTwoMetaLearner | null;
  /** Draws the class-balanced meta batch (stage 2 with a meta learner). */
  metaBatch?: () => Promise<StepBatch>;
}

/** The store name of a trainable variable (the name the optimizer keys its state by). */
function storeNameOf(ctx: StepContext, v: tf.Variable): string {
  for (const [name, u] of ctx.trainable) if (u === v) return name;
  throw new BalmsInputError(`variable ${v.name} is not trainable in this step`);
}

/** Decoupled stage 2: the classifier alone on frozen RoI features, with the meta learner's step first. */
export async function classifierStep(ctx: ClassifierStepContext, batch: StepBatch): Promise<StepResult> {
  const predictor = ctx.detector.roiHeads.boxPredictor;
  const cls = predictor.clsScore;
  const train = ctx.detector.sampledRoiFeatures(batch, ctx.rng);
  const values: Record<string, number> = {};
  try {
    if (ctx.meta && ctx.metaBatch) {
      const mb = await ctx.metaBatch();
      let metaRois: ReturnType<typeof ctx.detector.sampledRoiFeatures>;
      try {
        metaRois = ctx.detector.sampledRoiFeatures(mb, ctx.rng);
      } finally {
        ctx.detector.release(mb);
        tf.dispose(mb.images);
      }
      try {
        values['meta_loss'] = ctx.meta.beforeStep({
          classifier: { weight: cls.kernel as tf.Tensor as tf.Tensor2D, bias: cls.bias as tf.Tensor as tf.Tensor1D },
          train,
          meta: metaRois,
          step: {
            ...ctx.optimizer.innerStep(ctx.trainable, storeNameOf(ctx, cls.kernel), storeNameOf(ctx, cls.bias), ctx.lr),
            clipGradNorm: ctx.clipGradNorm,
          },
        });
      } finally {
        tf.dispose([metaRois.features, metaRois.labels]);
      }
    }
    const weights = ctx.meta?.lossWeights(train.labels);
    const { value, grads } = tf.variableGrads(() => ctx.loss.loss(predictor.classify(train.features), train.labels, weights), [...ctx.trainable.values()]);
    values['loss_cls'] = value.dataSync()[0]!;
    values['total_loss'] = values['loss_cls'];
    value.dispose();
    weights?.dispose();
    values['grad_norm'] = applyGradients(ctx, grads);
  } finally {
    tf.dispose([train.features, train.labels]);
  }
  return { values };
}
