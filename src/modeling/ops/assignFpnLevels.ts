/** Options of {@link assignFpnLevels}. */
import { BalmsInputError } from '../../util/errors.js';
export interface FpnLevelOptions {
  minLevel: number;
  maxLevel: number;
  /** Box side (√area, image pixels) that maps to `canonicalLevel` (Detectron2: 224). */
  canonicalBox?: number;
  /** Level of a canonical box (Detectron2: 4). */
  canonicalLevel?: number;
}

const f32 = Math.fround;

/**
 * FPN level of each box (Detectron2 `assign_boxes_to_levels`, FPN paper eq. 1):
 * `clamp(floor(canonicalLevel + log2(√area / canonicalBox + 1e-8)), minLevel, maxLevel)`,
 * evaluated in float32 like the PyTorch original. `boxes` R×4 (x1, y1, x2, y2). Returns the absolute
 * level (minLevel … maxLevel) per box.
 */
export function assignFpnLevels(boxes: Float32Array, options: FpnLevelOptions): Int32Array {
  const { minLevel, maxLevel } = options;
  const canonicalBox = options.canonicalBox ?? 224;
  const canonicalLevel = options.canonicalLevel ?? 4;
  if (!(Number.isInteger(minLevel) && Number.isInteger(maxLevel) && minLevel <= maxLevel)) {
    throw new BalmsInputError(`assignFpnLevels: need integer minLevel ≤ maxLevel, got ${minLevel}, ${maxLevel}`);
  }
  if (boxes.length % 4 !== 0) throw new BalmsInputError(`assignFpnLevels: boxes length ${boxes.length} is not a multiple of 4`);
  const R = boxes.length / 4;
  const out = new Int32Array(R);
  const eps = f32(1e-8);
  for (let r = 0; r < R; r++) {
    const area = f32(f32(boxes[r * 4 + 2]! - boxes[r * 4]!) * f32(boxes[r * 4 + 3]! - boxes[r * 4 + 1]!));
    const size = f32(Math.sqrt(area));
    const lv = Math.floor(f32(canonicalLevel + f32(Math.log2(f32(f32(size / canonicalBox) + eps)))));
    // NaN (negative area) clamps to minLevel, as torch.clamp of a NaN index would be undefined anyway
    out[r] = Number.isNaN(lv) ? minLevel : Math.min(Math.max(lv, minLevel), maxLevel);
  }
  return out;
}
