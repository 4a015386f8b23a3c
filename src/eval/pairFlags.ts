/**
 * Per (image, category) facts the federated rules ask about: has area-filtered GT, is a verified
 * negative, is not exhaustively annotated. A flat byte table when it is small enough, a map otherwise.
 */
export const HAS_GT = 1;
export const NEGATIVE = 2;
export const NOT_EXHAUSTIVE = 4;

const DENSE_LIMIT = 1 << 28;

export class PairFlags {
  private readonly dense: Uint8Array | null;
  private readonly sparse: Map<number, number> | null;

  constructor(
    readonly numImages: number,
    readonly numCats: number,
  ) {
    const size = numImages * numCats;
    this.dense = size <= DENSE_LIMIT ? new Uint8Array(size) : null;
    this.sparse = this.dense ? null : new Map();
  }

  set(img: number, cat: number, flag: number): void {
    const key = img * this.numCats + cat;
    if (this.dense) this.dense[key] |= flag;
    else this.sparse!.set(key, (this.sparse!.get(key) ?? 0) | flag);
  }

  get(img: number, cat: number): number {
    const key = img * this.numCats + cat;
    return this.dense ? this.dense[key] : (this.sparse!.get(key) ?? 0);
  }
}
