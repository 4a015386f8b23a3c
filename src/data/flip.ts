/**
 * Horizontal flips. Pixel column j of a width-W image goes to column W−1−j; a continuous
 * x coordinate (pixel edges at integers, as in COCO/LVIS) goes to W − x. The two agree: the pixel
 * whose centre is x = j + 0.5 lands on centre W − j − 0.5 = (W−1−j) + 0.5.
 */

/** A horizontally mirrored copy of an HWC image. */
export function flipImageHorizontal<T extends Uint8Array | Float32Array>(src: T, height: number, width: number, channels: number): T {
  const dst = new (src.constructor as { new (n: number): T })(src.length);
  for (let y = 0; y < height; y++) {
    const row = y * width * channels;
    for (let x = 0; x < width; x++) {
      const a = row + x * channels;
      const b = row + (width - 1 - x) * channels;
      for (let c = 0; c < channels; c++) dst[b + c] = src[a + c]!;
    }
  }
  return dst;
}

/** Mirrors flat polygons `[x0, y0, …]`: x → width − x (new arrays; vertex order kept). */
export function flipPolygonsHorizontal(polygons: readonly (readonly number[])[], width: number): number[][] {
  return polygons.map((p) => {
    const q = p.slice();
    for (let i = 0; i < q.length; i += 2) q[i] = width - q[i]!;
    return q;
  });
}

/** Mirrors boxes stored as `[x1, y1, x2, y2]` rows: (x1, x2) → (width − x2, width − x1). */
export function flipBoxesHorizontal(boxes: Float32Array, width: number): Float32Array {
  const out = new Float32Array(boxes.length);
  for (let i = 0; i < boxes.length; i += 4) {
    out[i] = width - boxes[i + 2]!;
    out[i + 1] = boxes[i + 1]!;
    out[i + 2] = width - boxes[i]!;
    out[i + 3] = boxes[i + 3]!;
  }
  return out;
}

/** Mirrors a row-major H×W mask (0/1 or any per-pixel value). */
export function flipMaskHorizontal(mask: Uint8Array, height: number, width: number): Uint8Array {
  return flipImageHorizontal(mask, height, width, 1);
}
