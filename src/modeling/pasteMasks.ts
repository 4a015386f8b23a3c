/**
 * Pastes RoI mask probabilities into the image (detectron2 `paste_masks_in_image`): every image
 * pixel centre `(x + 0.5, y + 0.5)` inside the box's neighbourhood is mapped into the `M × M`
 * mask grid with `grid_sample(align_corners=False)` geometry, `u = (x + 0.5 - x1) / (x2 - x1) · M
 * - 0.5`, sampled bilinearly with zero padding outside the grid, and binarised at `value ≥
 * threshold`.
 */
import { BalmsInputError } from '../util/errors.js';

/** The image region `[x0, x1) × [y0, y1)` a pasted box can touch (detectron2's `skip_empty` bounds). */
export function pasteRegion(box: ArrayLike<number>, height: number, width: number): [number, number, number, number] {
  const x0 = Math.max(Math.floor(box[0]!) - 1, 0);
  const x1 = Math.min(Math.ceil(box[2]!) + 1, width);
  const y0 = Math.max(Math.floor(box[1]!) - 1, 0);
  const y1 = Math.min(Math.ceil(box[3]!) + 1, height);
  return [x0, Math.max(x1, x0), y0, Math.max(y1, y0)];
}

/**
 * Pastes into the region only: `out` is row-major `(y1 - y0) × (x1 - x0)` for the region
 * `[x0, x1, y0, y1]` of {@link pasteRegion}; every entry is written.
 */
function pasteIntoRegion(
  mask: ArrayLike<number>,
  M: number,
  box: ArrayLike<number>,
  region: readonly [number, number, number, number],
  threshold: number,
  out: Uint8Array,
): void {
  const [xs, xe, ys, ye] = region;
  const nx = xe - xs;
  out.fill(0, 0, nx * (ye - ys));
  const x1 = box[0]!, y1 = box[1]!;
  const bw = box[2]! - x1;
  const bh = box[3]! - y1;
  if (!(bw > 0 && bh > 0) || nx <= 0) return;
  // Per-column sampling weights (separable bilinear, zero outside the grid).
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
    const row = (y - ys) * nx;
    for (let i = 0; i < nx; i++) {
      const u0 = cx0[i]!;
      const a = wx0[i]!;
      const b = wx1[i]!;
      let val = 0;
      if (wy0) val += wy0 * ((a ? a * mask[r0 + u0]! : 0) + (b ? b * mask[r0 + u0 + 1]! : 0));
      if (wy1) val += wy1 * ((a ? a * mask[r1 + u0]! : 0) + (b ? b * mask[r1 + u0 + 1]! : 0));
      if (val >= threshold) out[row + i] = 1;
    }
  }
}

function checkMask(mask: ArrayLike<number>, M: number): void {
  if (mask.length !== M * M) throw new BalmsInputError(`pasteMask: mask has ${mask.length} values, expected ${M}x${M}`);
}

/** The binarised mask over its clipped box region `[xs, xe, ys, ye)`, row-major `nx` wide. */
function pasteLocal(mask: ArrayLike<number>, maskSize: number, box: ArrayLike<number>, height: number, width: number, threshold: number) {
  checkMask(mask, maskSize);
  const region = pasteRegion(box, height, width);
  const [xs, xe, ys, ye] = region;
  const nx = xe - xs;
  const local = new Uint8Array(nx * (ye - ys));
  pasteIntoRegion(mask, maskSize, box, region, threshold, local);
  return { region, nx, local };
}

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
  const { region: [xs, , ys, ye], nx, local } = pasteLocal(mask, maskSize, box, height, width, threshold);
  const dst = out ?? new Uint8Array(height * width);
  if (out) dst.fill(0);
  for (let y = ys; y < ye; y++) dst.set(local.subarray((y - ys) * nx, (y - ys + 1) * nx), y * width + xs);
  return dst;
}

/**
 * One mask pasted straight into a pycocotools RLE (column-major runs, first run zeros) of the
 * `height × width` image. Equal to encoding {@link pasteMask}'s image, but costs O(box area)
 * instead of O(image area), which matters for 300 detections on an 800×1333 image.
 */
export function pasteMaskRle(
  mask: ArrayLike<number>,
  maskSize: number,
  box: ArrayLike<number>,
  height: number,
  width: number,
  threshold = 0.5,
): { h: number; w: number; counts: Uint32Array } {
  const { region, nx, local } = pasteLocal(mask, maskSize, box, height, width, threshold);
  const [xs, xe, ys, ye] = region;
  const runs: number[] = [];
  let cur = 0;
  let runStart = 0;
  for (let x = xs; x < xe; x++) {
    const col = x * height;
    for (let y = ys; y < ye; y++) {
      const v = local[(y - ys) * nx + (x - xs)]!;
      if (v !== cur) {
        const p = col + y;
        runs.push(p - runStart);
        runStart = p;
        cur = v;
      }
    }
    // The pixel after this column's region is background unless the region spans whole columns
    // and continues: close an open foreground run there.
    const next = col + ye;
    if (cur === 1 && next < height * width && !(ys === 0 && ye === height && x + 1 < xe)) {
      runs.push(next - runStart);
      runStart = next;
      cur = 0;
    }
  }
  runs.push(height * width - runStart);
  return { h: height, w: width, counts: Uint32Array.from(runs) };
}
