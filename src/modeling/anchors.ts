/**
 * Anchor generation (detectron2 `DefaultAnchorGenerator`): per feature level, cell anchors of
 * every (size, aspect ratio) pair centred at the origin (size loop outer, ratio inner; ratio is
 * height/width and the area is size²), shifted to every location `(x·stride + offset·stride,
 * y·stride + offset·stride)`. Anchors are ordered `(y, x, a)`, matching an NHWC head output
 * `[N, H, W, A]` flattened.
 */
import { BalmsInputError } from '../util/errors.js';

/** Cell anchors `[A*4]` for one level. */
export function cellAnchors(sizes: readonly number[], aspectRatios: readonly number[]): Float32Array {
  const out = new Float32Array(sizes.length * aspectRatios.length * 4);
  let k = 0;
  for (const size of sizes) {
    const area = size * size;
    for (const ratio of aspectRatios) {
      const w = Math.sqrt(area / ratio);
      const h = ratio * w;
      out[k++] = -w / 2;
      out[k++] = -h / 2;
      out[k++] = w / 2;
      out[k++] = h / 2;
    }
  }
  return out;
}

/** All anchors `[H·W·A*4]` of a level with the given feature size and stride. */
export function gridAnchors(
  featureHeight: number,
  featureWidth: number,
  stride: number,
  cell: Float32Array,
  offset = 0,
): Float32Array {
  const a = cell.length / 4;
  const out = new Float32Array(featureHeight * featureWidth * a * 4);
  let k = 0;
  for (let y = 0; y < featureHeight; y++) {
    const sy = (y + offset) * stride;
    for (let x = 0; x < featureWidth; x++) {
      const sx = (x + offset) * stride;
      for (let j = 0; j < a; j++) {
        out[k++] = cell[4 * j]! + sx;
        out[k++] = cell[4 * j + 1]! + sy;
        out[k++] = cell[4 * j + 2]! + sx;
        out[k++] = cell[4 * j + 3]! + sy;
      }
    }
  }
  return out;
}

/** Anchor generator over several levels; caches the grids per feature size. */
export class AnchorGenerator {
  private readonly cells: Float32Array[];
  private readonly cache = new Map<string, Float32Array>();

  /**
   * @param sizes anchor sizes per level (e.g. `[[32], [64], [128]]` for an FPN, `[[32, 64, 128]]` single level)
   * @param aspectRatios ratios (height/width) used on every level
   * @param strides stride per level
   */
  constructor(
    readonly sizes: readonly (readonly number[])[],
    readonly aspectRatios: readonly number[],
    readonly strides: readonly number[],
    readonly offset = 0,
  ) {
    if (sizes.length !== strides.length) throw new BalmsInputError(`AnchorGenerator: ${sizes.length} size lists for ${strides.length} levels`);
    this.cells = sizes.map((s) => cellAnchors(s, aspectRatios));
  }

  /** Anchors per location on level `l`. */
  numAnchors(level: number): number {
    return this.cells[level]!.length / 4;
  }

  /** Anchors of level `l` for a feature map of `h × w`. */
  level(level: number, h: number, w: number): Float32Array {
    const key = `${level}:${h}x${w}`;
    let g = this.cache.get(key);
    if (!g) {
      g = gridAnchors(h, w, this.strides[level]!, this.cells[level]!, this.offset);
      this.cache.set(key, g);
    }
    return g;
  }
}
