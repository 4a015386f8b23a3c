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
  sortableKeys(idx, key, hi, lo);
  let src = idx.slice();
  let srcHi = hi, srcLo = lo;
  let dst = new Uint32Array(n);
  let dstHi = new Uint32Array(n), dstLo = new Uint32Array(n);
  const count = new Uint32Array(65536);
  // Each pass's loops are small functions of their own, so the JIT optimizes them once.
  for (let pass = 0; pass < 4; pass++) {
    const word = pass < 2 ? srcLo : srcHi;
    const shift = pass % 2 === 0 ? 0 : 16;
    if (!digitOffsets(word, shift, count)) continue; // every element has this digit: order unchanged
    scatter(word, shift, count, src, srcHi, srcLo, dst, dstHi, dstLo);
    [src, dst] = [dst, src];
    [srcHi, dstHi] = [dstHi, srcHi];
    [srcLo, dstLo] = [dstLo, srcLo];
  }
  idx.set(src);
  return idx;
}

function sortableKeys(idx: Uint32Array, key: Float64Array, hi: Uint32Array, lo: Uint32Array): void {
  for (let i = 0; i < idx.length; i++) {
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
}

/** Exclusive prefix offsets of the 16-bit digit into `count`; false when all elements share one digit. */
function digitOffsets(word: Uint32Array, shift: number, count: Uint32Array): boolean {
  const n = word.length;
  histogram(word, shift, count);
  if (count[(word[0] >>> shift) & 0xffff] === n) return false;
  let sum = 0;
  for (let b = 0; b < 65536; b++) {
    const c = count[b];
    count[b] = sum;
    sum += c;
  }
  return true;
}

function histogram(word: Uint32Array, shift: number, count: Uint32Array): void {
  count.fill(0);
  for (let i = 0; i < word.length; i++) count[(word[i] >>> shift) & 0xffff]++;
}

function scatter(
  word: Uint32Array, shift: number, count: Uint32Array,
  src: Uint32Array, srcHi: Uint32Array, srcLo: Uint32Array,
  dst: Uint32Array, dstHi: Uint32Array, dstLo: Uint32Array,
): void {
  for (let i = 0; i < word.length; i++) {
    const pos = count[(word[i] >>> shift) & 0xffff]++;
    dst[pos] = src[i];
    dstHi[pos] = srcHi[i];
    dstLo[pos] = srcLo[i];
  }
}
