/**
 * Draws predicted (or ground-truth) instances over an RGB image: a translucent colour fill per mask,
 * the mask outline and the box. Pure function over typed arrays; returns RGBA (row-major).
 */
export interface OverlayInstance {
  /** Row-major mask of the image size (1 = inside), or undefined for box only. */
  mask?: Uint8Array;
  /** [x, y, w, h] in pixels. */
  bbox: [number, number, number, number];
  /** Index that picks the colour (e.g. the category index). */
  colorIndex: number;
}

const COLORS: [number, number, number][] = [
  [230, 25, 75], [60, 180, 75], [255, 225, 25], [0, 130, 200], [245, 130, 48], [145, 30, 180],
  [70, 240, 240], [240, 50, 230], [210, 245, 60], [250, 190, 212], [0, 128, 128], [220, 190, 255],
];

export function overlayColor(i: number): [number, number, number] {
  return COLORS[((i % COLORS.length) + COLORS.length) % COLORS.length]!;
}

/** `rgb` is row-major interleaved RGB (3 bytes per pixel). */
export function drawOverlay(rgb: Uint8Array, height: number, width: number, instances: readonly OverlayInstance[], alpha = 0.45): Uint8Array {
  const out = new Uint8Array(width * height * 4);
  for (let p = 0, q = 0; p < width * height; p++, q += 3) {
    out[p * 4] = rgb[q]!;
    out[p * 4 + 1] = rgb[q + 1]!;
    out[p * 4 + 2] = rgb[q + 2]!;
    out[p * 4 + 3] = 255;
  }
  for (const inst of instances) {
    const [r, g, b] = overlayColor(inst.colorIndex);
    const m = inst.mask;
    if (m) {
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const p = y * width + x;
          if (!m[p]) continue;
          const edge = x === 0 || y === 0 || x === width - 1 || y === height - 1 || !m[p - 1] || !m[p + 1] || !m[p - width] || !m[p + width];
          const a = edge ? 1 : alpha;
          out[p * 4] = Math.round(out[p * 4]! * (1 - a) + r * a);
          out[p * 4 + 1] = Math.round(out[p * 4 + 1]! * (1 - a) + g * a);
          out[p * 4 + 2] = Math.round(out[p * 4 + 2]! * (1 - a) + b * a);
        }
      }
    }
    const [bx, by, bw, bh] = inst.bbox;
    const x0 = Math.max(0, Math.round(bx)), y0 = Math.max(0, Math.round(by));
    const x1 = Math.min(width - 1, Math.round(bx + bw) - 1), y1 = Math.min(height - 1, Math.round(by + bh) - 1);
    const put = (x: number, y: number) => {
      const p = (y * width + x) * 4;
      out[p] = r;
      out[p + 1] = g;
      out[p + 2] = b;
    };
    if (x1 >= x0 && y1 >= y0) {
      for (let x = x0; x <= x1; x++) {
        put(x, y0);
        put(x, y1);
      }
      for (let y = y0; y <= y1; y++) {
        put(x0, y);
        put(x1, y);
      }
    }
  }
  return out;
}
