/**
 * The sampling plan of Detectron2/torchvision ROIAlign along one axis. Bilinear weights are
 * separable, so a bin's average over its g_y × g_x samples is Σ_rows Σ_cols Wy[row]·Wx[col]·f[row, col]
 * where Wy[row] sums the y-weights every sample of the bin puts on that row (likewise Wx). Samples of a
 * bin are at most one pixel apart under adaptive sampling, so a bin touches about g+1 distinct rows
 * instead of 2g: (g_y+1)(g_x+1) multiply-adds per channel instead of 4·g_y·g_x. Arithmetic of the RoI
 * geometry mirrors the float32 C++ kernel so that adaptive grid sizes `ceil(roi / P)` agree exactly.
 */
export interface RoiAxisPlan {
  /** Per RoI: samples per output bin (0 for an empty RoI under adaptive sampling). */
  grid: Int32Array;
  /** Per (RoI, bin): first entry in idx/w (length R·P + 1). */
  binStart: Int32Array;
  /** Feature row (or column) index of each entry. */
  idx: Int32Array;
  /** Summed bilinear weight of each entry (not yet divided by the sample count). */
  w: Float32Array;
}

/** The plan of a RoIAlign call: both axes' plans of every RoI, with its level and image. */
export interface RoiAlignPlan {
  R: number;
  C: number;
  ph: number;
  pw: number;
  py: RoiAxisPlan;
  px: RoiAxisPlan;
  /** Feature map (index into the levels) of each RoI. */
  level: Int32Array;
  /** Image of each RoI. */
  batchIdx: Int32Array;
}

const f32 = Math.fround;

/**
 * Build the plan along one axis. `coords` holds boxes x1,y1,x2,y2 (image pixels); `startCol/endCol`
 * pick the axis (0/2 for x, 1/3 for y); `scales[r]` is RoI r's spatial scale and `sizes[r]` the extent
 * of its feature map along this axis.
 */
export function planAxis(
  coords: Float32Array,
  startCol: number,
  endCol: number,
  scales: Float64Array,
  sizes: Int32Array,
  pooled: number,
  samplingRatio: number,
  aligned: boolean,
): RoiAxisPlan {
  const R = scales.length;
  const grid = new Int32Array(R);
  const binStart = new Int32Array(R * pooled + 1);
  const off = aligned ? 0.5 : 0;
  let cap = 0;
  const start = new Float64Array(R);
  const bin = new Float64Array(R);
  for (let r = 0; r < R; r++) {
    const s = f32(scales[r]!);
    const a = f32(f32(coords[r * 4 + startCol]! * s) - off);
    const b = f32(f32(coords[r * 4 + endCol]! * s) - off);
    let size = f32(b - a);
    if (!aligned) size = Math.max(size, 1);
    const binSize = f32(size / pooled);
    start[r] = a;
    bin[r] = binSize;
    grid[r] = Math.max(samplingRatio > 0 ? samplingRatio : Math.ceil(binSize), 0);
    cap += pooled * 2 * grid[r]!;
  }
  const idx = new Int32Array(cap);
  const w = new Float32Array(cap);
  let n = 0;
  for (let r = 0; r < R; r++) {
    const g = grid[r]!;
    const len = sizes[r]!;
    const step = bin[r]! / g;
    for (let p = 0; p < pooled; p++) {
      const first = n;
      for (let i = 0; i < g; i++) {
        let v = start[r]! + p * bin[r]! + (i + 0.5) * step;
        if (v < -1 || v > len) continue; // outside the map: contributes 0 but still counts
        if (v <= 0) v = 0;
        let lo = Math.floor(v);
        let hi: number;
        if (lo >= len - 1) {
          lo = hi = len - 1;
          v = lo;
        } else {
          hi = lo + 1;
        }
        const frac = v - lo;
        n = addWeight(idx, w, first, n, lo, 1 - frac);
        if (frac > 0) n = addWeight(idx, w, first, n, hi, frac);
      }
      binStart[r * pooled + p + 1] = n;
    }
  }
  return { grid, binStart, idx: idx.subarray(0, n), w: w.subarray(0, n) };
}

/** Add weight to index `i` among the bin's entries [first, n) (sample positions only increase). */
function addWeight(idx: Int32Array, w: Float32Array, first: number, n: number, i: number, weight: number): number {
  if (n > first && idx[n - 1] === i) {
    w[n - 1] += weight;
    return n;
  }
  if (n > first + 1 && idx[n - 2] === i) {
    w[n - 2] += weight;
    return n;
  }
  idx[n] = i;
  w[n] = weight;
  return n + 1;
}
