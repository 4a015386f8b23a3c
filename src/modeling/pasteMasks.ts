/**
 * Pastes RoI mask probabilities into the image (detectron2 `paste_masks_in_image`): every image
 * pixel centre `(x + 0.5, y + 0.5)` inside the box's neighbourhood is mapped into the `M × M`
 * mask grid with `grid_sample(align_corners=False)` geometry, `u = (x + 0.5 - x1) / (x2 - x1) · M
 * - 0.5`, sampled bilinearly with zero padding outside the grid, and binarised at `value ≥
 * threshold`.
 */

/**
 * One mask into a row-major `height × width` binary image (`Uint8Array`, 1 = foreground).
 * @param mask `M*M` probabilities, row-major
 * @param box `[x1, y1, x2, y2]` in image pixels
 * @param out optional destination to fill (cleared first)
 */
export function pasteMask(
  mask: ArrayLike<number>,
  maskSize: number,
  box: ArrayLike<number>,
  height: number,
  width: number,
  threshold = 0.5,
  out?: Uint8Array,
): Uint8Array {
  const M = maskSize;
  if (mask.length !== M * M) throw new Error(`pasteMask: mask has ${mask.length} values, expected ${M}x${M}`);
  const dst = out ?? new Uint8Array(height * width);
  if (out) dst.fill(0);
  const x1 = box[0]!, y1 = box[1]!, x2 = box[2]!, y2 = box[3]!;
  const bw = x2 - x1;
  const bh = y2 - y1;
  if (!(bw > 0 && bh > 0)) return dst;
  const xs = Math.max(Math.floor(x1) - 1, 0);
  const xe = Math.min(Math.ceil(x2) + 1, width);
  const ys = Math.max(Math.floor(y1) - 1, 0);
  const ye = Math.min(Math.ceil(y2) + 1, height);
  if (xe <= xs || ye <= ys) return dst;
  // Per-column sampling weights (separable bilinear).
  const nx = xe - xs;
  const cx0 = new Int32Array(nx);
  const wx0 = new Float64Array(nx);
  const wx1 = new Float64Array(nx);
  for (let i = 0; i < nx; i++) {
    const u = ((xs + i + 0.5 - x1) / bw) * M - 0.5;
    const u0 = Math.floor(u);
    const f = u - u0;
    cx0[i] = u0;
    wx0[i] = u0 >= 0 && u0 < M ? 1 - f : 0;
    wx1[i] = u0 + 1 >= 0 && u0 + 1 < M ? f : 0;
  }
  for (let y = ys; y < ye; y++) {
    const v = ((y + 0.5 - y1) / bh) * M - 0.5;
    const v0 = Math.floor(v);
    const fy = v - v0;
    const wy0 = v0 >= 0 && v0 < M ? 1 - fy : 0;
    const wy1 = v0 + 1 >= 0 && v0 + 1 < M ? fy : 0;
    if (wy0 === 0 && wy1 === 0) continue;
    const r0 = v0 * M;
    const r1 = (v0 + 1) * M;
    const row = y * width;
    for (let i = 0; i < nx; i++) {
      const u0 = cx0[i]!;
      const a = wx0[i]!;
      const b = wx1[i]!;
      let val = 0;
      if (wy0) val += wy0 * ((a ? a * mask[r0 + u0]! : 0) + (b ? b * mask[r0 + u0 + 1]! : 0));
      if (wy1) val += wy1 * ((a ? a * mask[r1 + u0]! : 0) + (b ? b * mask[r1 + u0 + 1]! : 0));
      if (val >= threshold) dst[row + xs + i] = 1;
    }
  }
  return dst;
}
