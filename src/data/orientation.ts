/**
 * EXIF orientation (tag 0x0112, values 1–8): how a stored pixel frame is turned to be shown upright.
 * balms applies it on decode, as browsers, Pillow's `ImageOps.exif_transpose` and detectron2's
 * `read_image` (the reference BALMS trains with) do; an annotation's width/height must then be those
 * of the upright frame (see docs/api.md).
 */
import type { RgbImage } from './image.js';

/** Whether the orientation swaps width and height (5–8: a quarter turn, possibly mirrored). */
export function orientationSwapsAxes(orientation: number): boolean {
  return orientation >= 5 && orientation <= 8;
}

/**
 * The upright image for an EXIF orientation (a new buffer; the input is left as is, and returned
 * itself for orientation 1 or an unknown value). Output pixel (y, x) takes stored pixel (sy, sx):
 *   2 mirror: (y, W−1−x)   3 rotate 180: (H−1−y, W−1−x)   4 flip: (H−1−y, x)
 *   5 transpose: (x, y)   6 rotate 90 cw: (H−1−x, y)   7 transverse: (H−1−x, W−1−y)   8 rotate 90 ccw: (x, W−1−y)
 * where W × H is the stored size.
 */
export function applyOrientation(img: RgbImage, orientation: number): RgbImage {
  if (!(orientation >= 2 && orientation <= 8)) return img;
  const { width: W, height: H, data: src } = img;
  const swap = orientationSwapsAxes(orientation);
  const ow = swap ? H : W;
  const oh = swap ? W : H;
  const out = new Uint8Array(src.length);
  // Stored index of output (y, x) = base + y * dy + x * dx (in pixels).
  let base = 0;
  let dy = 0;
  let dx = 0;
  switch (orientation) {
    case 2: base = W - 1; dy = W; dx = -1; break;
    case 3: base = H * W - 1; dy = -W; dx = -1; break;
    case 4: base = (H - 1) * W; dy = -W; dx = 1; break;
    case 5: base = 0; dy = 1; dx = W; break;
    case 6: base = (H - 1) * W; dy = 1; dx = -W; break;
    case 7: base = H * W - 1; dy = -1; dx = -W; break;
    case 8: base = W - 1; dy = -1; dx = W; break;
  }
  let o = 0;
  for (let y = 0; y < oh; y++) {
    let s = base + y * dy;
    for (let x = 0; x < ow; x++, s += dx, o += 3) {
      const q = s * 3;
      out[o] = src[q]!;
      out[o + 1] = src[q + 1]!;
      out[o + 2] = src[q + 2]!;
    }
  }
  return { data: out, height: oh, width: ow };
}
