/**
 * One optimisation step of a classification run (the loop's `StepFunction`):
 * - stage 1: a batch from the sampler, augmented (pad-crop, flip, cutout), the whole network in
 *   training mode (BN batch statistics; the running ones updated after the step), SGD on every variable;
 * - stage 2: a batch of the precomputed frozen-backbone features — from the sampler (cRT,
 *   decoupled Balanced Softmax) or drawn by the Meta Sampler, which first takes its meta step (the
 *   classifier's look-ahead through this optimiser's real step, `SgdMomentum.innerStep`, then Adam
 *   on the class logits with plain CE on a class-balanced meta batch) — and SGD on the head alone,
 *   with the unweighted loss on the same batch (as the official `meta_forward`).
 * Gradients are clipped to `solver.clipGradNorm` (0: off) before the step.
 */
import * as tf from '@tensorflow/tfjs';
import { augmentBatch } from '../../data/classification/index.js';
import { clipGradientsByGlobalNorm } from '../../solver/clipGradients.js';
import type { ClassificationRun } from './classificationRun.js';

/** Gradients of `f` for `vars`, keyed by store name; `f`'s value as a number. */
function gradsByName(vars: ReadonlyMap<string, tf.Variable>, f: () => tf.Scalar): { loss: number; grads: Record<string, tf.Tensor> } {
  const { value, grads } = tf.variableGrads(f, [...vars.values()]);
  const out: Record<string, tf.Tensor> = {};
  for (const [name, v] of vars) out[name] = grads[v.name]!;
  const loss = value.dataSync()[0]!;
  value.dispose();
  return { loss, grads: out };
}

/** Clips, steps the optimizer, disposes the gradients; returns the (pre-clip) gradient norm. */
function applyGradients(run: ClassificationRun, grads: Record<string, tf.Tensor>, lr: number): number {
  const clipped = clipGradientsByGlobalNorm(grads, run.cfg.solver.clipGradNorm);
  try {
    run.optimizer.step(run.trainable, clipped.grads, lr);
  } finally {
    tf.dispose(Object.values(clipped.grads));
  }
  return clipped.norm;
}

function stageOneStep(run: ClassificationRun, lr: number): Record<string, number> {
  const set = run.data.train, { augment, imagesPerBatch: B, pixelMean, pixelStd } = run.cfg.data;
  const idx = run.sampler.take(B);
  const buf = new Float32Array(B * set.height * set.width * set.channels);
  augmentBatch(set, idx, buf, run.augmentRng, { ...augment, mean: pixelMean, std: pixelStd });
  const labels = Int32Array.from(idx, (i) => set.labels[i]!);
  const x = tf.tensor4d(buf, [B, set.height, set.width, set.channels]), y = tf.tensor1d(labels, 'int32');
  try {
    const { loss, grads } = gradsByName(run.trainable, () => run.loss.loss(run.model.logits(x, { training: true }), y));
    const norm = applyGradients(run, grads, lr);
    run.model.updateRunningStats(); // this batch's statistics into the BN running ones (PyTorch's update)
    return { total_loss: loss, grad_norm: norm };
  } finally {
    tf.dispose([x, y]);
  }
}

function stageTwoStep(run: ClassificationRun, lr: number): Record<string, number> {
  const s2 = run.stage2!, B = run.cfg.data.imagesPerBatch, head = run.model.head;
  const draw = s2.meta ? s2.meta.sampler.draw(B, s2.meta.drawRng) : null;
  const idx = tf.tensor1d(draw ? draw.indices : run.sampler.take(B), 'int32');
  const X = tf.gather(s2.features, idx) as tf.Tensor2D, y = tf.gather(s2.labels, idx) as tf.Tensor1D;
  const values: Record<string, number> = {};
  try {
    if (draw && s2.meta) {
      const mIdx = tf.tensor1d(s2.meta.batches.take(run.cfg.meta.imagesPerBatch), 'int32');
      const Xm = tf.gather(s2.features, mIdx) as tf.Tensor2D, ym = tf.gather(s2.labels, mIdx) as tf.Tensor1D;
      try {
        const step = { ...run.optimizer.innerStep(run.trainable, run.head.weight, run.head.bias, lr), clipGradNorm: run.cfg.solver.clipGradNorm };
        const classifier = { weight: head.kernel as tf.Tensor as tf.Tensor2D, bias: head.bias as tf.Tensor as tf.Tensor1D };
        values['meta_loss'] = s2.meta.sampler.step(draw, { classifier, train: { features: X, labels: y }, meta: { features: Xm, labels: ym }, step });
      } finally {
        tf.dispose([mIdx, Xm, ym]);
      }
    }
    const { loss, grads } = gradsByName(run.trainable, () => run.loss.loss(head.apply(X), y));
    values['grad_norm'] = applyGradients(run, grads, lr);
    return { total_loss: loss, ...values };
  } finally {
    tf.dispose([idx, X, y]);
  }
}

/** The step of a classification run at learning rate `lr`. */
export async function classifierTrainStep(run: ClassificationRun, lr: number): Promise<Record<string, number>> {
  return run.stage2 ? stageTwoStep(run, lr) : stageOneStep(run, lr);
}
