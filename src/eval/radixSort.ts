/**
 * Stable LSD radix sort of an index array by a float64 key, descending: the order numpy's
 * `argsort(-key, kind='mergesort')` gives (equal keys keep their input order; −0 equals +0).
 * Four 16-bit passes over the key's order-preserving bit pattern; passes whose digit is the same
 * for every element are skipped.
 */
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const LO = LITTLE ? 0 : 1;
const HI = LITTLE ? 1 : 0;

export function radixSortByKeyDesc(idx: Uint32Array, key: Float64Array): Uint32Array {
  const n = idx.length;
  if (n < 2) return idx;
  // Descending order = ascending order of the complemented sortable pattern.
  const hi = new Uint32Array(n);
  const lo = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    f64[0] = key[idx[i]] + 0; // −0 → +0
    let h = u32[HI], l = u32[LO];
    if (h & 0x80000000) {
      h = ~h >>> 0;
      l = ~l >>> 0;
    } else {
      h = (h | 0x80000000) >>> 0;
    }
    hi[i] = ~h >>> 0;
    lo[i] = ~l >>> 0;
  }
  let src = idx.slice();
  let srcHi = hi, srcLo = lo;
  let dst = new Uint32Array(n);
  let dstHi = new Uint32Array(n), dstLo = new Uint32Array(n);
  const count = new Uint32Array(65536);
  for (let pass = 0; pass < 4; pass++) {
    const word = pass < 2 ? srcLo : srcHi;
    const shift = pass % 2 === 0 ? 0 : 16;
    count.fill(0);
    for (let i = 0; i < n; i++) count[(word[i] >>> shift) & 0xffff]++;
    const d0 = (word[0] >>> shift) & 0xffff;
    if (count[d0] === n) continue; // every element has this digit: order unchanged
    let sum = 0;
    for (let b = 0; b < 65536; b++) {
      const c = count[b];
      count[b] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const pos = count[(word[i] >>> shift) & 0xffff]++;
      dst[pos] = src[i];
      dstHi[pos] = srcHi[i];
      dstLo[pos] = srcLo[i];
    }
    [src, dst] = [dst, src];
    [srcHi, dstHi] = [dstHi, srcHi];
    [srcLo, dstLo] = [dstLo, srcLo];
  }
  idx.set(src);
  return idx;
}
