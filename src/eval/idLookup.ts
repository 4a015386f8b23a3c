/**
 * Position of an id in a list of ids, for hot loops over results: a flat table indexed by the id
 * where the ids are small non-negative integers (the usual COCO / LVIS ids), else the map. Both
 * give the same answer for every value, integer or not.
 */
export class IdLookup {
  private readonly table: Int32Array;

  constructor(private readonly map: Map<number, number>) {
    let max = -1;
    let dense = true;
    for (const id of map.keys()) {
      if (!Number.isInteger(id) || id < 0) dense = false;
      else if (id > max) max = id;
    }
    // A table at most ~4 entries per id (plus 64k): bounded memory for sparse id spaces.
    if (!dense || max >= 4 * map.size + 65536) max = -1;
    this.table = new Int32Array(max + 1).fill(-1);
    for (const [id, i] of map) if (id <= max) this.table[id] = i;
  }

  /** The position of `id`, or −1. */
  get(id: number): number {
    const t = this.table;
    if (id >= 0 && id < t.length && id === Math.floor(id)) return t[id];
    if (t.length > 0) return -1; // a dense table holds every id
    return this.map.get(id) ?? -1;
  }
}
