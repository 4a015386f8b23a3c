/**
 * Rasterises a polygon into a row-major `h×w` 0/1 mask.
 * TEMPORARY pixel-centre even–odd fill; replaced by the pycocotools-exact `frPoly` + `decode`
 * of src/coco/mask once that lands, so that rendered pixels equal what evaluation rasterises.
 */
export function polygonMask(poly: readonly number[], h: number, w: number): Uint8Array {
  const out = new Uint8Array(h * w);
  const n = poly.length / 2;
  const xs: number[] = [];
  for (let y = 0; y < h; y++) {
    const cy = y + 0.5;
    xs.length = 0;
    for (let i = 0; i < n; i++) {
      const j = (i + 1) % n;
      const y0 = poly[2 * i + 1]!;
      const y1 = poly[2 * j + 1]!;
      if (y0 <= cy !== y1 <= cy) {
        const x0 = poly[2 * i]!;
        const x1 = poly[2 * j]!;
        xs.push(x0 + ((cy - y0) / (y1 - y0)) * (x1 - x0));
      }
    }
    xs.sort((a, b) => a - b);
    for (let k = 0; k + 1 < xs.length; k += 2) {
      const a = Math.max(0, Math.ceil(xs[k]! - 0.5));
      const b = Math.min(w - 1, Math.ceil(xs[k + 1]! - 0.5) - 1);
      for (let x = a; x <= b; x++) out[y * w + x] = 1;
    }
  }
  return out;
}
