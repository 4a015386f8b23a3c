/**
 * Fast R-CNN / Mask R-CNN training losses on sampled RoIs:
 * - box regression: smooth-L1 (β; 0 → L1) between the foreground RoIs' deltas for their
 *   ground-truth class and the encoded targets, summed and divided by the number of sampled RoIs
 *   (detectron2 `box_reg_loss`); background RoIs contribute nothing;
 * - mask: binary cross-entropy with logits averaged over foreground RoIs × pixels, on the
 *   ground-truth class's mask only.
 * Selection is done with constant masks, so no gather gradient is involved.
 */
import * as tf from '@tensorflow/tfjs';
import type { BoxCoder } from './boxCoder.js';
import { smoothL1 } from './layers.js';
import { BalmsInputError } from '../util/errors.js';

/**
 * @param deltas `[R, 4·B]` predicted deltas (B = K class-specific, or 1 class-agnostic)
 * @param proposals `R*4` sampled RoI boxes
 * @param gtBoxes `R*4` matched ground-truth box per RoI (read for foreground only)
 * @param classes class per RoI, `numClasses` = background
 */
export function boxRegressionLoss(
  deltas: tf.Tensor2D,
  proposals: Float32Array,
  gtBoxes: Float32Array,
  classes: Int32Array,
  numClasses: number,
  coder: BoxCoder,
  beta: number,
): tf.Scalar {
  const r = classes.length;
  const width = deltas.shape[1];
  const agnostic = width === 4;
  if (deltas.shape[0] !== r || (!agnostic && width !== 4 * numClasses)) {
    throw new BalmsInputError(`boxRegressionLoss: deltas [${deltas.shape}] do not fit ${r} RoIs and ${numClasses} classes`);
  }
  const target = new Float32Array(r * width);
  const weight = new Float32Array(r * width);
  const fgIdx: number[] = [];
  for (let i = 0; i < r; i++) if (classes[i]! >= 0 && classes[i]! < numClasses) fgIdx.push(i);
  if (fgIdx.length) {
    const src = new Float32Array(fgIdx.length * 4);
    const dst = new Float32Array(fgIdx.length * 4);
    fgIdx.forEach((i, k) => {
      src.set(proposals.subarray(4 * i, 4 * i + 4), 4 * k);
      dst.set(gtBoxes.subarray(4 * i, 4 * i + 4), 4 * k);
    });
    const enc = coder.encode(src, dst);
    fgIdx.forEach((i, k) => {
      const o = i * width + (agnostic ? 0 : 4 * classes[i]!);
      target.set(enc.subarray(4 * k, 4 * k + 4), o);
      weight.fill(1, o, o + 4);
    });
  }
  return tf.tidy(() => {
    const diff = tf.sub(deltas, tf.tensor2d(target, [r, width]));
    const l = tf.sum(tf.mul(smoothL1(diff, beta), tf.tensor2d(weight, [r, width])));
    return tf.div(l, Math.max(1, r)) as tf.Scalar;
  });
}

/** Mean binary cross-entropy with logits: `max(x,0) − x·z + log(1 + e^{−|x|})`. */
export function maskLoss(logits: tf.Tensor3D, targets: Float32Array): tf.Scalar {
  const [m, h, w] = logits.shape;
  if (targets.length !== m * h * w) throw new BalmsInputError(`maskLoss: ${targets.length} targets for logits [${logits.shape}]`);
  return tf.tidy(() => {
    if (m === 0) return tf.mul(tf.sum(logits), 0) as tf.Scalar;
    const z = tf.tensor3d(targets, [m, h, w]);
    const per = tf.add(tf.sub(tf.relu(logits), tf.mul(logits, z)), tf.log1p(tf.exp(tf.neg(tf.abs(logits)))));
    return tf.mean(per) as tf.Scalar;
  });
}
