/** A detector's weights in a checkpoint: the tensors named `model/<parameter name>`. */
import * as tf from '@tensorflow/tfjs';
import type { DetectorModel } from '../modeling/detectorModel.js';
import { BalmsInputError } from '../util/errors.js';

export const MODEL_PREFIX = 'model/';

/** Loads a checkpoint's model tensors into a detector; tensors whose shape differs are skipped and reported. */
export function loadModelWeights(detector: DetectorModel, tensors: Map<string, tf.Tensor>, opts: { strict: boolean; file: string }): string[] {
  const { values, skipped } = matchModelWeights(detector.variables(), tensors, opts);
  detector.store.assign(values, true);
  return skipped;
}

/**
 * A checkpoint's `model/<name>` tensors matched to `vars` by name and shape: the values to assign
 * and the names skipped (shape differs, not in the model, or missing from the checkpoint);
 * `strict` turns any of those into an error.
 */
export function matchModelWeights(
  vars: ReadonlyMap<string, tf.Variable>,
  tensors: ReadonlyMap<string, tf.Tensor>,
  opts: { strict: boolean; file: string },
): { values: Map<string, tf.Tensor>; skipped: string[] } {
  const values = new Map<string, tf.Tensor>();
  const skipped: string[] = [];
  for (const [k, t] of tensors) {
    if (!k.startsWith(MODEL_PREFIX)) continue;
    const name = k.slice(MODEL_PREFIX.length);
    const v = vars.get(name);
    if (!v || !tf.util.arraysEqual(v.shape, t.shape)) {
      if (opts.strict) throw new BalmsInputError(`parameter ${name} ${v ? `has shape [${t.shape}], the model [${v.shape}]` : 'is not in the model'}`, { file: opts.file });
      skipped.push(name);
      continue;
    }
    values.set(name, t);
  }
  const missing = [...vars.keys()].filter((n) => !values.has(n));
  if (opts.strict && missing.length) throw new BalmsInputError(`checkpoint lacks ${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', …' : ''}`, { file: opts.file });
  return { values, skipped: [...skipped, ...missing.filter((m) => !skipped.includes(m))] };
}
