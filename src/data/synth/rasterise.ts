import { decodeRowMajor, frPoly } from '../../coco/mask/index.js';

/**
 * Rasterises one polygon into a row-major `h×w` 0/1 mask exactly as pycocotools does
 * (`frPyObjects` + `decode`), so the pixels a synthetic object is painted on are the very pixels
 * evaluation and training derive from its annotation.
 */
export function polygonMask(poly: readonly number[], h: number, w: number): Uint8Array {
  return decodeRowMajor(frPoly(poly, h, w));
}
