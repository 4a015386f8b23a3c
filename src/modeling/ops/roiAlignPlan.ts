/**
 * The sampling plan of Detectron2/torchvision ROIAlign: for each RoI and axis, the bilinear sample
 * positions as (low index, high index, low weight, high weight). Bilinear weights are separable, so a
 * plan per axis (P·g samples) replaces one per sample (P²·g²). Arithmetic mirrors the float32 C++
 * kernel (roi start/size/bin in float32) so that adaptive grid sizes `ceil(roi / P)` agree exactly.
 */
export interface RoiAxisPlan {
  /** Per RoI: first sample of this RoI in the flat arrays (length R + 1). */
  offset: Int32Array;
  /** Per RoI: samples per output bin (0 for an empty RoI under adaptive sampling). */
  grid: Int32Array;
  lo: Int32Array;
  hi: Int32Array;
  wLo: Float32Array;
  wHi: Float32Array;
}

/** Geometry of one RoIAlign call. */
export interface RoiAlignGeometry {
  pooledH: number;
  pooledW: number;
  samplingRatio: number;
  aligned: boolean;
}

const f32 = Math.fround;

/**
 * Build the plan along one axis. `starts/ends` are box coordinates in image pixels (x1/x2 or y1/y2),
 * `scale[r]` the spatial scale of RoI r's feature map and `size[r]` that map's extent on this axis.
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
  const offset = new Int32Array(R + 1);
  const grid = new Int32Array(R);
  const start = new Float64Array(R);
  const bin = new Float64Array(R);
  const off = aligned ? 0.5 : 0;
  for (let r = 0; r < R; r++) {
    const s = f32(scales[r]!);
    const a = f32(f32(coords[r * 4 + startCol]! * s) - off);
    const b = f32(f32(coords[r * 4 + endCol]! * s) - off);
    let size = f32(b - a);
    if (!aligned) size = Math.max(size, 1);
    const binSize = f32(size / pooled);
    const g = samplingRatio > 0 ? samplingRatio : Math.ceil(binSize);
    start[r] = a;
    bin[r] = binSize;
    grid[r] = Math.max(g, 0);
    offset[r + 1] = offset[r]! + pooled * grid[r]!;
  }
  const n = offset[R]!;
  const lo = new Int32Array(n);
  const hi = new Int32Array(n);
  const wLo = new Float32Array(n);
  const wHi = new Float32Array(n);
  for (let r = 0; r < R; r++) {
    const g = grid[r]!;
    const len = sizes[r]!;
    const step = bin[r]! / g;
    for (let p = 0; p < pooled; p++) {
      for (let i = 0; i < g; i++) {
        const t = offset[r]! + p * g + i;
        let v = start[r]! + p * bin[r]! + (i + 0.5) * step;
        if (v < -1 || v > len) continue; // sample outside the map: contributes 0 (weights stay 0)
        if (v <= 0) v = 0;
        let l = Math.floor(v);
        let h: number;
        if (l >= len - 1) {
          l = h = len - 1;
          v = l;
        } else {
          h = l + 1;
        }
        const frac = v - l;
        lo[t] = l;
        hi[t] = h;
        wLo[t] = 1 - frac;
        wHi[t] = frac;
      }
    }
  }
  return { offset, grid, lo, hi, wLo, wHi };
}
