/**
 * The few numpy routines whose exact floating-point behaviour the evaluators must reproduce
 * (numpy 1.x as used by lvis-api and pycocotools): `linspace`, and `mean` with numpy's pairwise
 * summation, so summary metrics come out bit-identical, not merely close.
 */

/** `np.linspace(start, stop, num, endpoint=True)`: element i is `i*step + start`, the last is `stop`. */
export function linspace(start: number, stop: number, num: number): Float64Array {
  const out = new Float64Array(num);
  if (num === 0) return out;
  const div = num - 1;
  const delta = stop - start;
  const step = div > 0 ? delta / div : NaN;
  for (let i = 0; i < num; i++) {
    out[i] = step === 0 ? (i / div) * delta + start : i * step + start;
  }
  if (num > 1) out[num - 1] = stop;
  else out[0] = start;
  return out;
}

const PW_BLOCKSIZE = 128;

/** numpy's `pairwise_sum_DOUBLE` over `a[off .. off+n)`: the summation order `np.sum` uses on a contiguous 1-D array. */
export function pairwiseSum(a: ArrayLike<number>, off: number, n: number): number {
  if (n < 8) return shortSum(a, off, n);
  if (n <= PW_BLOCKSIZE) return unrolledSum(a, off, n);
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, off, n2) + pairwiseSum(a, off + n2, n - n2);
}

// The two leaf cases are functions of their own so each is optimized once, with feedback.
function shortSum(a: ArrayLike<number>, off: number, n: number): number {
  let res = 0;
  for (let i = 0; i < n; i++) res += a[off + i]!;
  return res;
}

/** numpy's 8-accumulator loop for 8 ≤ n ≤ 128. */
function unrolledSum(a: ArrayLike<number>, off: number, n: number): number {
  let r0 = a[off]!, r1 = a[off + 1]!, r2 = a[off + 2]!, r3 = a[off + 3]!;
  let r4 = a[off + 4]!, r5 = a[off + 5]!, r6 = a[off + 6]!, r7 = a[off + 7]!;
  let i = 8;
  const end = n - (n % 8);
  for (; i < end; i += 8) {
    const b = off + i;
    r0 += a[b]!; r1 += a[b + 1]!; r2 += a[b + 2]!; r3 += a[b + 3]!;
    r4 += a[b + 4]!; r5 += a[b + 5]!; r6 += a[b + 6]!; r7 += a[b + 7]!;
  }
  let res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
  for (; i < n; i++) res += a[off + i]!;
  return res;
}

/** numpy's reduction buffer: `np.sum` adds the pairwise sums of consecutive 8192-element blocks. */
const REDUCE_BUFSIZE = 8192;

/** `np.sum(a[0:n])` for a contiguous float64 array, bit for bit. */
export function numpySum(a: ArrayLike<number>, n: number): number {
  let res = 0;
  for (let off = 0; off < n; off += REDUCE_BUFSIZE) res += pairwiseSum(a, off, Math.min(REDUCE_BUFSIZE, n - off));
  return res;
}

/**
 * `np.mean(x[x > -1])` or −1 when nothing is > −1: the summary rule of lvis-api and COCOeval.
 * `values` holds the selected entries in numpy's C order; `count` of them are used (compacted in place).
 */
export function meanOfDefined(values: Float64Array, count: number): number {
  // The loop is a function of its own: compiled on its own (OSR) it would leave the code after
  // it without type feedback and deoptimize over and over across the ~5k calls of a summary.
  const m = compactDefined(values, count);
  return m === 0 ? -1 : numpySum(values, m) / m;
}

/** Moves the entries > −1 of `values[0..count)` to the front, in order; returns how many. */
function compactDefined(values: Float64Array, count: number): number {
  let m = 0;
  for (let i = 0; i < count; i++) if (values[i] > -1) values[m++] = values[i];
  return m;
}
