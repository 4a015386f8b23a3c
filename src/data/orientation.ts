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
 * Where each stored pixel lands in the upright image, for a stored frame of W × H: stored pixel
 * (y, x) goes to upright pixel index `start + y·rowStep + x·step` in an upright image of
 * `width × height` (W × H, or H × W for a quarter turn). Orientation 1 or an unknown value is the
 * identity. The eight cases (upright (oy, ox) from stored (y, x)):
 *   2 mirror: (y, W−1−x)   3 rotate 180: (H−1−y, W−1−x)   4 flip: (H−1−y, x)
 *   5 transpose: (x, y)   6 rotate 90 cw: (x, H−1−y)   7 transverse: (W−1−x, H−1−y)   8 rotate 90 ccw: (W−1−x, y)
 */
export function orientationMap(orientation: number, W: number, H: number): { width: number; height: number; start: number; rowStep: number; step: number } {
  const turned = (start: number, rowStep: number, step: number) => ({ width: H, height: W, start, rowStep, step });
  const same = (start: number, rowStep: number, step: number) => ({ width: W, height: H, start, rowStep, step });
  switch (orientation) {
    case 2: return same(W - 1, W, -1); // prettier-ignore
    case 3: return same(H * W - 1, -W, -1); // prettier-ignore
    case 4: return same((H - 1) * W, -W, 1); // prettier-ignore
    case 5: return turned(0, 1, H); // prettier-ignore
    case 6: return turned(H - 1, -1, H); // prettier-ignore
    case 7: return turned(W * H - 1, -1, -H); // prettier-ignore
    case 8: return turned((W - 1) * H, 1, -H); // prettier-ignore
    default: return same(0, W, 1); // prettier-ignore
  }
}

/**
 * The upright image for an EXIF orientation (a new buffer; the input is left as is, and returned
 * itself for orientation 1 or an unknown value). See `orientationMap`.
 */
export function applyOrientation(img: RgbImage, orientation: number): RgbImage {
  if (!(orientation >= 2 && orientation <= 8)) return img;
  const { width: W, height: H, data: src } = img;
  const m = orientationMap(orientation, W, H);
  const out = new Uint8Array(src.length);
  for (let y = 0, i = 0; y < H; y++) {
    for (let x = 0, o = (m.start + y * m.rowStep) * 3; x < W; x++, i += 3, o += m.step * 3) {
      out[o] = src[i]!;
      out[o + 1] = src[i + 1]!;
      out[o + 2] = src[i + 2]!;
    }
  }
  return { data: out, height: m.height, width: m.width };
}
