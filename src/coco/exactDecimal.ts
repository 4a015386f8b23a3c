/**
 * The double nearest (ties to even) to a decimal of up to 19 significant digits — what `JSON.parse`
 * and `Number` give — without building its text. Python writes floats with up to 17 digits
 * (`repr`), past Clinger's fast path (≤ 15 digits, a power of ten ≤ 10^22: one exact operation).
 * Here the digits `w = hi·10^nLo + lo` (< 10^19, held exactly as a sum of two doubles) are divided by
 * `10^k = 10^-exp` (exact for −22 ≤ exp < 0). The quotient q is kept when the residual `w − q·10^k`
 * (nearly exact) lies clearly inside half the gap to q's neighbour times 10^k; otherwise it is moved
 * to its neighbour or, near a midpoint, decided by the exact signs of `w − q·10^k` and
 * `w − (q ± ulp/2)·10^k` (Dekker's exact products, Shewchuk's exact sums). Cases it does not take
 * return NaN: the caller reads the text.
 */

const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);
/** Dekker's splitter for binary64: 2^27 + 1. */
const SPLITTER = 134217729;

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
/** The low 32 bits of a double are `u32[LO]` (little-endian hosts; on others every call gives up). */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const LO = LITTLE_ENDIAN ? 0 : 1, HI = 1 - LO;

/** Scratch for the exact sum (expansion components, increasing magnitude). */
const E = new Float64Array(8);
/** The error term of the last `twoSum` / `twoProduct` (a typed slot: a double in a `let` would be boxed). */
const T = new Float64Array(1);

/** `a + b = s + T[0]` exactly (Knuth's two-sum); returns s, sets `T[0]`. */
function twoSum(a: number, b: number): number {
  const s = a + b;
  const bb = s - a;
  T[0] = (a - (s - bb)) + (b - bb);
  return s;
}

/** `a · b = p + T[0]` exactly (Dekker's two-product; no overflow or underflow here); returns p, sets `T[0]`. */
function twoProduct(a: number, b: number): number {
  const p = a * b;
  let t = SPLITTER * a;
  const ah = t - (t - a), al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b), bl = b - bh;
  T[0] = al * bl - (((p - ah * bh) - al * bh) - ah * bl);
  return p;
}

/**
 * The sign (−1, 0, 1) of `w − (q + h)·P` exactly, where `w = wh + wl`, and `h·P` is exact (h a
 * power of two or 0). Grow-expansion over the five terms; its largest nonzero component has the
 * sign of the sum (the components do not overlap).
 */
function residualSign(wh: number, wl: number, q: number, h: number, P: number): number {
  const qh = twoProduct(q, P);
  const ql = T[0];
  let n = 0;
  n = grow(n, wh);
  n = grow(n, wl);
  n = grow(n, -qh);
  n = grow(n, -ql);
  n = grow(n, -(h * P));
  for (let i = n - 1; i >= 0; i--) if (E[i] !== 0) return E[i] > 0 ? 1 : -1;
  return 0;
}

function grow(n: number, x: number): number {
  let q = x;
  for (let i = 0; i < n; i++) {
    q = twoSum(q, E[i]);
    E[i] = T[0];
  }
  E[n] = q;
  return n + 1;
}

/** The next double above / below positive finite normal q. */
function step(q: number, up: boolean): number {
  f64[0] = q;
  if (up) {
    if (u32[LO] === 0xffffffff) {
      u32[LO] = 0;
      u32[HI]++;
    } else u32[LO]++;
  } else if (u32[LO] === 0) {
    u32[LO] = 0xffffffff;
    u32[HI]--;
  } else u32[LO]--;
  return f64[0];
}

function isEven(q: number): boolean {
  f64[0] = q;
  return (u32[LO] & 1) === 0;
}

/**
 * The double nearest to `(hi·10^nLo + lo) · 10^exp`, ties to even, for 0 ≤ hi < 10^15, 0 ≤ lo <
 * 10^nLo, 0 ≤ nLo ≤ 4 (integers); NaN where this path does not decide (exp > 0 with more than 15
 * digits, exp < −22, a big-endian host).
 */
export function exactDecimal(hi: number, lo: number, nLo: number, exp: number): number {
  if (nLo === 0) {
    if (exp >= 0 && exp <= 22) return hi * POW10[exp];
    if (exp < 0 && exp >= -22) return hi / POW10[-exp];
    return NaN;
  }
  // w = hi·10^nLo + lo exactly as wh + wl, wh = w rounded to nearest.
  const ph = twoProduct(hi, POW10[nLo]);
  const wh = twoSum(ph, T[0] + lo); // the error (|·| ≤ 2^10) + lo (< 10^4): an exact integer sum
  const wl = T[0];
  if (exp === 0) return wh;
  if (exp > 0 || exp < -22 || !LITTLE_ENDIAN || wh === 0) return NaN;
  const P = POW10[-exp];
  let q = wh / P;
  if (!(q >= 2.2250738585072014e-308)) return NaN; // subnormal or zero: not here
  // Usually q or a neighbour is the answer: r ≈ w − q·P (the high part of wh − q·P is exact by
  // Sterbenz; the two roundings after it are relative 2^-53 of r), compared with half the gap to
  // the neighbour on r's side, times P. Only near a midpoint is the exact walk needed.
  for (let tries = 0; tries < 2; tries++) {
    const qh = twoProduct(q, P);
    const r = (wh - qh + wl) - T[0];
    const nb = step(q, r >= 0);
    const half = Math.abs(nb - q) * 0.5 * P;
    const ar = Math.abs(r);
    if (ar < half * 0.999999) return q;
    if (ar < half * 1.000001) break;
    q = nb;
  }
  return walk(wh, wl, q, P);
}

/** q, within a few ulps of w / P, walked to the exact quotient's nearest double by exact signs at the midpoints. */
function walk(wh: number, wl: number, q: number, P: number): number {
  for (let guard = 0; guard < 4; guard++) {
    const s0 = residualSign(wh, wl, q, 0, P);
    if (s0 === 0) return q;
    const nb = step(q, s0 > 0);
    const h = (nb - q) / 2; // exact: half an ulp, with the sign of the direction
    const s = residualSign(wh, wl, q, h, P);
    if (s === 0) return isEven(q) ? q : nb; // a tie: the even one
    if (s !== s0) return q; // the exact value lies between q and the midpoint
    q = nb;
  }
  return NaN;
}
