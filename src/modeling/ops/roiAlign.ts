import * as tf from '@tensorflow/tfjs';
import { readFloat32 } from '../../backends/readFloat32.js';
import { planAxis, type RoiAlignPlan } from './roiAlignPlan.js';
import { roiAlignSparse } from './roiAlignSparse.js';
import { onTensorFlow } from '../../backends/tensorflowKernels.js';
import { BalmsInputError } from '../../util/errors.js';

/** Options of {@link roiAlign}. */
export interface RoiAlignOptions {
  /** Output bins per side P (or [Ph, Pw]). */
  outputSize: number | [number, number];
  /** Feature-map pixels per image pixel (1 / stride), e.g. 0.25 for FPN P2. */
  spatialScale: number;
  /** Samples per bin per axis; 0 = adaptive `ceil(roi_size / P)` per RoI, as Detectron2. */
  samplingRatio: number;
  /** Pixel-model shift of −0.5 (Detectron2 `aligned=True`, the default); false = legacy RoIAlign. */
  aligned?: boolean;
}

/**
 * RoIAlign with Detectron2 / torchvision semantics (`ROIAlign(output_size, spatial_scale,
 * sampling_ratio, aligned)`): `features: [N, H, W, C]` (NHWC, float32), `boxes` R×4 (x1, y1, x2, y2
 * in image pixels), `batchIdx[r]` the image of RoI r. Returns `[R, Ph, Pw, C]`. Differentiable w.r.t.
 * `features` on every backend. One separable bilinear sampling plan (avg-pooling folded in, weights
 * merged per feature row/column) drives both paths, so neither cropAndResize's missing gradient nor
 * any slow pooling gradient is involved: on TensorFlow (tfjs-node) forward and backward are one
 * sparse × dense product each, in TF (see roiAlignSparse); on cpu and wasm one pass each over
 * typed arrays. Boxes get no gradient (as in Mask R-CNN).
 */
export function roiAlign(
  features: tf.Tensor4D,
  boxes: Float32Array,
  batchIdx: Int32Array,
  options: RoiAlignOptions,
): tf.Tensor4D {
  const R = checkRois(boxes, batchIdx, 'roiAlign');
  if (!(options.spatialScale > 0)) throw new BalmsInputError(`roiAlign: spatialScale must be > 0, got ${options.spatialScale}`);
  const scales = new Float64Array(R).fill(options.spatialScale);
  return roiAlignLevels([features], new Int32Array(R), scales, boxes, batchIdx, options, 'roiAlign');
}

/** Validate boxes/batchIdx lengths and values; returns R. */
export function checkRois(boxes: Float32Array, batchIdx: Int32Array, who: string): number {
  if (boxes.length % 4 !== 0) throw new BalmsInputError(`${who}: boxes length ${boxes.length} is not a multiple of 4`);
  const R = boxes.length / 4;
  if (batchIdx.length !== R) throw new BalmsInputError(`${who}: ${R} boxes but ${batchIdx.length} batch indices`);
  for (let i = 0; i < boxes.length; i++) {
    if (!Number.isFinite(boxes[i]!)) throw new BalmsInputError(`${who}: box ${(i / 4) | 0} has a non-finite coordinate`);
  }
  return R;
}

/**
 * RoIAlign where RoI r samples `levels[level[r]]` at `scales[r]`. The output is in RoI order, so a
 * multi-level pooler needs no gather/scatter. One customGrad over all level tensors.
 */
export function roiAlignLevels(
  levels: tf.Tensor4D[],
  level: Int32Array,
  scales: Float64Array,
  boxes: Float32Array,
  batchIdx: Int32Array,
  options: Omit<RoiAlignOptions, 'spatialScale'>,
  who: string,
): tf.Tensor4D {
  const R = level.length;
  const [ph, pw] = typeof options.outputSize === 'number' ? [options.outputSize, options.outputSize] : options.outputSize;
  if (!(Number.isInteger(ph) && ph > 0 && Number.isInteger(pw) && pw > 0)) {
    throw new BalmsInputError(`${who}: outputSize must be positive integers, got ${String(options.outputSize)}`);
  }
  const sr = options.samplingRatio;
  if (!(Number.isInteger(sr) && sr >= 0)) throw new BalmsInputError(`${who}: samplingRatio must be an integer ≥ 0, got ${sr}`);
  const aligned = options.aligned ?? true;
  if (levels.length === 0) throw new BalmsInputError(`${who}: no feature maps`);
  const C = levels[0]!.shape[3];
  for (const [i, f] of levels.entries()) {
    if (f.rank !== 4) throw new BalmsInputError(`${who}: feature map ${i} must be [N, H, W, C], got [${f.shape}]`);
    if (f.dtype !== 'float32') throw new BalmsInputError(`${who}: feature map ${i} must be float32, got ${f.dtype}`);
    if (f.shape[3] !== C) throw new BalmsInputError(`${who}: feature maps have different channel counts (${C} vs ${f.shape[3]})`);
    if (f.shape[0] !== levels[0]!.shape[0]) throw new BalmsInputError(`${who}: feature maps have different batch sizes`);
  }
  const N = levels[0]!.shape[0];
  const hs = new Int32Array(R);
  const ws = new Int32Array(R);
  for (let r = 0; r < R; r++) {
    const b = batchIdx[r]!;
    if (!(b >= 0 && b < N)) throw new BalmsInputError(`${who}: batch index ${b} of RoI ${r} is outside [0, ${N})`);
    const f = levels[level[r]!]!;
    hs[r] = f.shape[1];
    ws[r] = f.shape[2];
  }
  const py = planAxis(boxes, 1, 3, scales, hs, ph, sr, aligned);
  const px = planAxis(boxes, 0, 2, scales, ws, pw, sr, aligned);
  const plan: RoiAlignPlan = { R, C, ph, pw, py, px, level, batchIdx };
  if (onTensorFlow() && R > 0) return roiAlignSparse(levels, plan);

  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const maps = args.slice(0, levels.length) as tf.Tensor4D[];
    const out = new Float32Array(R * ph * pw * C);
    const used = new Set(level);
    // read only the levels some RoI samples
    const data = maps.map((m, i) => (used.has(i) ? readFloat32(m) : null)); // heap views on wasm: no tfjs allocation until the loop ends
    for (let r = 0; r < R; r++) {
      const m = maps[level[r]!]!;
      forwardRoi(plan, r, data[level[r]!]!, m.shape[1], m.shape[2], out);
    }
    return {
      value: tf.tensor4d(out, [R, ph, pw, C]),
      gradFunc: (dy: tf.Tensor | tf.Tensor[]) => {
        const g = readFloat32(dy as tf.Tensor); // read fully before the gradient tensors are created
        const grads = maps.map((m, i) => (used.has(i) ? new Float32Array(m.size) : null));
        for (let r = 0; r < R; r++) {
          const m = maps[level[r]!]!;
          backwardRoi(plan, r, g, m.shape[1], m.shape[2], grads[level[r]!]!);
        }
        return grads.map((a, i) => (a ? tf.tensor4d(a, maps[i]!.shape) : tf.zeros(maps[i]!.shape)));
      },
    };
  });
  return op(...levels) as tf.Tensor4D;
}

/** out[r, bin] = Σ_rows Σ_cols Wy·Wx·f / count (out-of-map samples count but add 0). */
function forwardRoi(p: RoiAlignPlan, r: number, f: Float32Array, H: number, W: number, out: Float32Array): void {
  const { C, ph, pw, py, px } = p;
  const inv = 1 / Math.max(py.grid[r]! * px.grid[r]!, 1);
  const base = p.batchIdx[r]! * H * W * C;
  for (let i = 0; i < ph; i++) {
    const y0 = py.binStart[r * ph + i]!, y1 = py.binStart[r * ph + i + 1]!;
    for (let j = 0; j < pw; j++) {
      const x0 = px.binStart[r * pw + j]!, x1 = px.binStart[r * pw + j + 1]!;
      const o = ((r * ph + i) * pw + j) * C;
      for (let a = y0; a < y1; a++) {
        const wy = py.w[a]! * inv;
        const row = base + py.idx[a]! * W * C;
        for (let b = x0; b < x1; b++) {
          const wt = wy * px.w[b]!;
          const q = row + px.idx[b]! * C;
          for (let c = 0; c < C; c++) out[o + c] += wt * f[q + c]!;
        }
      }
    }
  }
}

/** grad[rows × cols of r's bins] += Wy·Wx·dy / count — the exact transpose of forwardRoi. */
function backwardRoi(p: RoiAlignPlan, r: number, g: Float32Array, H: number, W: number, grad: Float32Array): void {
  const { C, ph, pw, py, px } = p;
  const inv = 1 / Math.max(py.grid[r]! * px.grid[r]!, 1);
  const base = p.batchIdx[r]! * H * W * C;
  for (let i = 0; i < ph; i++) {
    const y0 = py.binStart[r * ph + i]!, y1 = py.binStart[r * ph + i + 1]!;
    for (let j = 0; j < pw; j++) {
      const x0 = px.binStart[r * pw + j]!, x1 = px.binStart[r * pw + j + 1]!;
      const o = ((r * ph + i) * pw + j) * C;
      for (let a = y0; a < y1; a++) {
        const wy = py.w[a]! * inv;
        const row = base + py.idx[a]! * W * C;
        for (let b = x0; b < x1; b++) {
          const wt = wy * px.w[b]!;
          const q = row + px.idx[b]! * C;
          for (let c = 0; c < C; c++) grad[q + c] += wt * g[o + c]!;
        }
      }
    }
  }
}
