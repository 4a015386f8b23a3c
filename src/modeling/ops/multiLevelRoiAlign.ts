import type * as tf from '@tensorflow/tfjs';
import { assignFpnLevels } from './assignFpnLevels.js';
import { checkRois, roiAlignLevels } from './roiAlign.js';
import { BalmsInputError } from '../../util/errors.js';

/** Options of {@link multiLevelRoiAlign}. */
export interface MultiLevelRoiAlignOptions {
  outputSize: number | [number, number];
  /** Samples per bin per axis; 0 = adaptive (Detectron2 default for the box head). */
  samplingRatio: number;
  /** Level of `features[0]`; feature map i has stride 2^(minLevel+i) (Detectron2 P2 → 2). */
  minLevel: number;
  canonicalBox?: number;
  canonicalLevel?: number;
  aligned?: boolean;
}

/**
 * Detectron2 `ROIPooler` ("ROIAlignV2"): each box is pooled from the FPN level chosen by
 * {@link assignFpnLevels} at spatial scale 1 / 2^level. `features[i]` is level `minLevel + i`,
 * `[N, H_i, W_i, C]`. Returns `[R, P, P, C]` in box order; differentiable w.r.t. every level.
 */
export function multiLevelRoiAlign(
  features: tf.Tensor4D[],
  boxes: Float32Array,
  batchIdx: Int32Array,
  options: MultiLevelRoiAlignOptions,
): tf.Tensor4D {
  const R = checkRois(boxes, batchIdx, 'multiLevelRoiAlign');
  if (features.length === 0) throw new BalmsInputError('multiLevelRoiAlign: no feature maps');
  const minLevel = options.minLevel;
  const maxLevel = minLevel + features.length - 1;
  const abs = assignFpnLevels(boxes, {
    minLevel,
    maxLevel,
    canonicalBox: options.canonicalBox ?? 224,
    canonicalLevel: options.canonicalLevel ?? 4,
  });
  const level = new Int32Array(R);
  const scales = new Float64Array(R);
  for (let r = 0; r < R; r++) {
    level[r] = abs[r]! - minLevel;
    scales[r] = 1 / 2 ** abs[r]!;
  }
  return roiAlignLevels(features, level, scales, boxes, batchIdx, options, 'multiLevelRoiAlign');
}
