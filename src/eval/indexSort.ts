/**
 * Sorting index arrays without per-element allocation: a stable merge sort by a descending
 * float key (numpy `argsort(-key, kind='mergesort')` order) and a stable counting sort by a
 * small integer key. Both keep the input order among equal keys.
 */

/**
 * Stably reorders `idx` so that `key[idx[i]]` is non-increasing; equal keys keep their order in `idx`.
 * `tmp` is scratch of at least `idx.length` (allocated when omitted).
 */
export function stableSortByKeyDesc(idx: Uint32Array, key: Float64Array, tmp?: Uint32Array): Uint32Array {
  const n = idx.length;
  if (n < 2) return idx;
  let src = idx;
  let dst = tmp && tmp.length >= n ? tmp : new Uint32Array(n);
  // Insertion-sort runs of 16, then merge.
  const RUN = 16;
  for (let lo = 0; lo < n; lo += RUN) {
    const hi = Math.min(lo + RUN, n);
    for (let i = lo + 1; i < hi; i++) {
      const v = src[i]!;
      const kv = key[v]!;
      let j = i - 1;
      while (j >= lo && key[src[j]!]! < kv) {
        src[j + 1] = src[j]!;
        j--;
      }
      src[j + 1] = v;
    }
  }
  for (let width = RUN; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo, j = mid, o = lo;
      while (i < mid && j < hi) {
        // take from the right run only when strictly greater: stability
        if (key[src[j]!]! > key[src[i]!]!) dst[o++] = src[j++]!;
        else dst[o++] = src[i++]!;
      }
      while (i < mid) dst[o++] = src[i++]!;
      while (j < hi) dst[o++] = src[j++]!;
    }
    const t = src;
    src = dst;
    dst = t;
  }
  if (src !== idx) idx.set(src.subarray(0, n));
  return idx;
}

/**
 * Stable counting sort of `idx` by `bucket[idx[i]]` in `[0, numBuckets)`. Returns a new array
 * (or `out` when given) and fills `starts` (length numBuckets+1) with each bucket's offset when given.
 */
export function countingSortBy(
  idx: Uint32Array,
  bucket: Int32Array,
  numBuckets: number,
  out?: Uint32Array,
  starts?: Uint32Array,
): Uint32Array {
  const res = out ?? new Uint32Array(idx.length);
  const off = starts ?? new Uint32Array(numBuckets + 1);
  bucketStarts(idx, bucket, numBuckets, off);
  scatterByBucket(idx, bucket, off.slice(0, numBuckets), res);
  return res;
}

// The passes are separate small functions so that each is optimized once (see prepare.ts).
function bucketStarts(idx: Uint32Array, bucket: Int32Array, numBuckets: number, off: Uint32Array): void {
  off.fill(0);
  for (let i = 0; i < idx.length; i++) off[bucket[idx[i]] + 1]++;
  for (let b = 0; b < numBuckets; b++) off[b + 1] += off[b];
}

function scatterByBucket(idx: Uint32Array, bucket: Int32Array, pos: Uint32Array, res: Uint32Array): void {
  for (let i = 0; i < idx.length; i++) {
    const v = idx[i]!;
    res[pos[bucket[v]!]!++] = v;
  }
}
