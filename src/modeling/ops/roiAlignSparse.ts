import * as tf from '@tensorflow/tfjs';
import { sparseDenseMatMul } from '../../backends/tensorflowKernels.js';
import type { RoiAlignPlan } from './roiAlignPlan.js';

/** RoIAlign's sampling at one level as a COO matrix `[R·Ph·Pw, N·H·W]` (row-major order). */
export interface PlanMatrix {
  /** (output bin, feature pixel) pairs, `[nnz, 2]` flattened. */
  indices: Int32Array;
  /** Bilinear weight × 1/samples of each pair. */
  values: Float32Array;
  /** Columns: N·H·W of the level. */
  cols: number;
}

/**
 * The plan's RoIs on level `lvl` (`shape` its `[N, H, W, C]`) as a sparse matrix: output bin
 * `(r, i, j)` (row `(r·Ph + i)·Pw + j`) reads pixel `(n, y, x)` (column `(n·H + y)·W + x`) with weight
 * `Wy·Wx / (g_y·g_x)` — exactly the products the JS kernel forms, so `out = A @ F` and
 * `dF = Aᵀ @ dy`. Null when no RoI samples this level.
 */
export function planMatrix(p: RoiAlignPlan, lvl: number, shape: readonly number[]): PlanMatrix | null {
  const { R, ph, pw, py, px } = p;
  const [n, H, W] = shape as [number, number, number];
  let nnz = 0;
  let used = false;
  for (let r = 0; r < R; r++) {
    if (p.level[r] !== lvl) continue;
    used = true;
    const ny = py.binStart[(r + 1) * ph]! - py.binStart[r * ph]!;
    const nx = px.binStart[(r + 1) * pw]! - px.binStart[r * pw]!;
    nnz += ny * nx;
  }
  if (!used) return null;
  const indices = new Int32Array(2 * nnz);
  const values = new Float32Array(nnz);
  let e = 0;
  for (let r = 0; r < R; r++) {
    if (p.level[r] !== lvl) continue;
    const inv = 1 / Math.max(py.grid[r]! * px.grid[r]!, 1);
    const base = p.batchIdx[r]! * H * W;
    for (let i = 0; i < ph; i++) {
      const y0 = py.binStart[r * ph + i]!, y1 = py.binStart[r * ph + i + 1]!;
      for (let j = 0; j < pw; j++) {
        const x0 = px.binStart[r * pw + j]!, x1 = px.binStart[r * pw + j + 1]!;
        const row = (r * ph + i) * pw + j;
        for (let a = y0; a < y1; a++) {
          const wy = py.w[a]! * inv;
          const col = base + py.idx[a]! * W;
          for (let b = x0; b < x1; b++) {
            indices[2 * e] = row;
            indices[2 * e + 1] = col + px.idx[b]!;
            values[e] = wy * px.w[b]!;
            e++;
          }
        }
      }
    }
  }
  return { indices, values, cols: n * H * W };
}

/**
 * RoIAlign (see roiAlignLevels) on the 'tensorflow' backend: per level one TensorFlow
 * SparseTensorDenseMatMul forward (`A @ F`) and one backward (`Aᵀ @ dy`), with the plan's weights, so
 * the result equals the JS kernel's up to float32 summation order. The COO matrices are built in JS
 * from the boxes only and re-uploaded for the backward (no tensor outlives the call).
 */
export function roiAlignSparse(levels: tf.Tensor4D[], plan: RoiAlignPlan): tf.Tensor4D {
  const { R, C, ph, pw } = plan;
  const rows = R * ph * pw;
  const mats = levels.map((f, i) => planMatrix(plan, i, f.shape));
  const product = (m: PlanMatrix, b: tf.Tensor2D, adjoint: boolean) => sparseDenseMatMul(
    tf.tensor2d(m.indices, [m.values.length, 2], 'int32'), tf.tensor1d(m.values), rows, m.cols, b, adjoint,
  );
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const maps = args.slice(0, levels.length) as tf.Tensor4D[];
    const value = tf.tidy(() => {
      const parts: tf.Tensor2D[] = [];
      mats.forEach((m, i) => {
        if (m) parts.push(product(m, tf.reshape(maps[i]!, [m.cols, C]), false));
      });
      return tf.reshape(parts.length === 1 ? parts[0]! : tf.addN(parts), [R, ph, pw, C]) as tf.Tensor4D;
    });
    return {
      value,
      gradFunc: (dy: tf.Tensor | tf.Tensor[]) => tf.tidy(() => {
        const d2 = tf.reshape(dy as tf.Tensor, [rows, C]) as tf.Tensor2D;
        return maps.map((f, i) => {
          const m = mats[i];
          return m ? tf.reshape(product(m, d2, true), f.shape) : tf.zeros(f.shape);
        });
      }),
    };
  });
  return op(...levels) as tf.Tensor4D;
}
