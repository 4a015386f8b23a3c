/**
 * Image resizing: the shortest-edge size rule of detectron2's `ResizeShortestEdge`, and a
 * separable bilinear (triangle-filter) resampler over HWC typed arrays.
 */
import { BalmsInputError } from '../util/errors.js';

/** The output size for resizing so the short side is `shortSide` unless the long side would pass `maxSize`. */
export function shortestEdgeSize(height: number, width: number, shortSide: number, maxSize: number): { height: number; width: number; scale: number } {
  if (!(height > 0 && width > 0)) throw new BalmsInputError(`image size must be positive, got ${height}×${width}`);
  if (!(shortSide > 0)) throw new BalmsInputError(`shortSide must be positive, got ${shortSide}`);
  let scale = shortSide / Math.min(height, width);
  if (maxSize > 0 && Math.max(height, width) * scale > maxSize) scale = maxSize / Math.max(height, width);
  return { height: Math.max(1, Math.floor(height * scale + 0.5)), width: Math.max(1, Math.floor(width * scale + 0.5)), scale };
}

interface AxisWeights {
  start: Int32Array;
  count: Int32Array;
  weights: Float32Array;
  taps: number;
}

/**
 * Per output position, the input positions and weights of a triangle filter with pixel centres at
 * i + 0.5. Enlarging, this is plain bilinear interpolation with the edge pixel repeated; shrinking,
 * the filter widens by the scale factor, so every input pixel contributes (as Pillow's BILINEAR).
 */
function axisWeights(inSize: number, outSize: number): AxisWeights {
  const scale = inSize / outSize;
  const support = Math.max(1, scale);
  const taps = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Float32Array(outSize * taps);
  for (let i = 0; i < outSize; i++) {
    const centre = (i + 0.5) * scale;
    const lo = Math.max(0, Math.floor(centre - support + 0.5));
    const hi = Math.min(inSize, Math.floor(centre + support + 0.5));
    let total = 0;
    for (let j = lo; j < hi; j++) {
      const w = Math.max(0, 1 - Math.abs((j + 0.5 - centre) / support));
      weights[i * taps + (j - lo)] = w;
      total += w;
    }
    if (total === 0) {
      // cannot happen for support ≥ 1 with in-range centres; guard anyway
      weights[i * taps] = 1;
      total = 1;
    }
    for (let j = 0; j < hi - lo; j++) weights[i * taps + j]! /= total;
    start[i] = lo;
    count[i] = hi - lo;
  }
  return { start, count, weights, taps };
}

/**
 * Resizes an HWC image (`channels` interleaved) to `outHeight × outWidth` with the bilinear
 * triangle filter. Returns Float32 values (not rounded), written into `out` when given.
 */
export function resizeBilinear(
  src: Uint8Array | Float32Array,
  height: number,
  width: number,
  channels: number,
  outHeight: number,
  outWidth: number,
  out?: Float32Array,
): Float32Array {
  if (src.length !== height * width * channels) throw new BalmsInputError(`resizeBilinear: expected ${height * width * channels} values, got ${src.length}`);
  const dst = out ?? new Float32Array(outHeight * outWidth * channels);
  if (dst.length !== outHeight * outWidth * channels) throw new BalmsInputError('resizeBilinear: output has the wrong length');
  if (outHeight === height && outWidth === width) {
    dst.set(src);
    return dst;
  }
  // Horizontal pass: height × outWidth.
  const wx = axisWeights(width, outWidth);
  const tmp = new Float32Array(height * outWidth * channels);
  for (let y = 0; y < height; y++) {
    const row = y * width * channels;
    for (let x = 0; x < outWidth; x++) {
      const s = wx.start[x]!;
      const n = wx.count[x]!;
      const wo = x * wx.taps;
      const o = (y * outWidth + x) * channels;
      for (let c = 0; c < channels; c++) {
        let acc = 0;
        for (let k = 0; k < n; k++) acc += wx.weights[wo + k]! * src[row + (s + k) * channels + c]!;
        tmp[o + c] = acc;
      }
    }
  }
  // Vertical pass: outHeight × outWidth.
  const wy = axisWeights(height, outHeight);
  const rowLen = outWidth * channels;
  for (let y = 0; y < outHeight; y++) {
    const s = wy.start[y]!;
    const n = wy.count[y]!;
    const wo = y * wy.taps;
    const o = y * rowLen;
    for (let i = 0; i < rowLen; i++) {
      let acc = 0;
      for (let k = 0; k < n; k++) acc += wy.weights[wo + k]! * tmp[(s + k) * rowLen + i]!;
      dst[o + i] = acc;
    }
  }
  return dst;
}
