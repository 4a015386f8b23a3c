/**
 * The Faster R-CNN box parameterisation (detectron2 `Box2BoxTransform`): a box is encoded
 * relative to a reference box as `(wx·dx/w, wy·dy/h, ww·log(w'/w), wh·log(h'/h))` with centres
 * and sizes of continuous XYXY boxes. Decoding clamps `dw, dh` at `log(1000/16)` so that an
 * early, wild regression cannot overflow `exp`.
 */
import { BalmsInputError } from '../util/errors.js';

/** Weights `(wx, wy, ww, wh)`: `(10, 10, 5, 5)` for the Fast R-CNN box head, `(1, 1, 1, 1)` for the RPN. */
export type BoxCoderWeights = readonly [number, number, number, number];

export const BOX_HEAD_WEIGHTS: BoxCoderWeights = [10, 10, 5, 5];
export const RPN_WEIGHTS: BoxCoderWeights = [1, 1, 1, 1];
/** detectron2 `_DEFAULT_SCALE_CLAMP`. */
export const DEFAULT_SCALE_CLAMP = Math.log(1000 / 16);

export class BoxCoder {
  constructor(
    readonly weights: BoxCoderWeights = BOX_HEAD_WEIGHTS,
    readonly scaleClamp: number = DEFAULT_SCALE_CLAMP,
  ) {
    if (weights.length !== 4 || weights.some((w) => !(w > 0))) throw new BalmsInputError(`BoxCoder: weights must be 4 positive numbers`);
  }

  /**
   * Deltas `[R*4]` that take each `src` box onto the matching `dst` box (both `R*4`, XYXY).
   * Source boxes must have positive width and height.
   */
  encode(src: ArrayLike<number>, dst: ArrayLike<number>): Float32Array {
    if (src.length !== dst.length || src.length % 4) throw new BalmsInputError('BoxCoder.encode: src and dst must both be R*4');
    const [wx, wy, ww, wh] = this.weights;
    const n = src.length / 4;
    const out = new Float32Array(n * 4);
    for (let i = 0; i < n; i++) {
      const sw = src[4 * i + 2]! - src[4 * i]!;
      const sh = src[4 * i + 3]! - src[4 * i + 1]!;
      const sx = src[4 * i]! + 0.5 * sw;
      const sy = src[4 * i + 1]! + 0.5 * sh;
      const tw = dst[4 * i + 2]! - dst[4 * i]!;
      const th = dst[4 * i + 3]! - dst[4 * i + 1]!;
      const tx = dst[4 * i]! + 0.5 * tw;
      const ty = dst[4 * i + 1]! + 0.5 * th;
      out[4 * i] = (wx * (tx - sx)) / sw;
      out[4 * i + 1] = (wy * (ty - sy)) / sh;
      out[4 * i + 2] = ww * Math.log(tw / sw);
      out[4 * i + 3] = wh * Math.log(th / sh);
    }
    return out;
  }

  /**
   * Applies deltas to reference boxes. `deltas` is `[R, 4·K]` row-major (K boxes per reference,
   * e.g. class-specific regression) and the result has the same shape.
   */
  decode(deltas: ArrayLike<number>, boxes: ArrayLike<number>): Float32Array {
    const n = boxes.length / 4;
    if (boxes.length % 4 || (n > 0 && deltas.length % (n * 4)) || (n === 0 && deltas.length)) {
      throw new BalmsInputError(`BoxCoder.decode: deltas (${deltas.length}) must be R*4K for R=${n} boxes`);
    }
    const k = n > 0 ? deltas.length / (n * 4) : 0;
    const [wx, wy, ww, wh] = this.weights;
    const clamp = this.scaleClamp;
    const out = new Float32Array(deltas.length);
    for (let i = 0; i < n; i++) {
      const w = boxes[4 * i + 2]! - boxes[4 * i]!;
      const h = boxes[4 * i + 3]! - boxes[4 * i + 1]!;
      const cx = boxes[4 * i]! + 0.5 * w;
      const cy = boxes[4 * i + 1]! + 0.5 * h;
      for (let j = 0; j < k; j++) {
        const o = (i * k + j) * 4;
        const dx = deltas[o]! / wx;
        const dy = deltas[o + 1]! / wy;
        const dw = Math.min(deltas[o + 2]! / ww, clamp);
        const dh = Math.min(deltas[o + 3]! / wh, clamp);
        const pcx = dx * w + cx;
        const pcy = dy * h + cy;
        const pw = Math.exp(dw) * w;
        const ph = Math.exp(dh) * h;
        out[o] = pcx - 0.5 * pw;
        out[o + 1] = pcy - 0.5 * ph;
        out[o + 2] = pcx + 0.5 * pw;
        out[o + 3] = pcy + 0.5 * ph;
      }
    }
    return out;
  }
}
