import { describe, expect, it } from 'vitest';
import { exactDecimal } from '../../src/coco/exactDecimal.js';
import { scanResultColumns } from '../../src/coco/index.js';
import { Rng } from '../../src/util/rng.js';

/**
 * The scanner's numbers against `JSON.parse` (the truth: V8's correctly rounded reader) on the
 * texts that matter: doubles written with 17 / 16 digits and shortest (Python's `repr`, in its
 * exponent style too), random 16–19-digit decimals, exact midpoints between doubles (ties to
 * even), and the edges of the fast paths. Each number is a detection's score or bbox value.
 */
function scanned(texts: string[]): Float64Array {
  const recs: string[] = [];
  for (let i = 0; i < texts.length; i += 3) {
    const a = texts[i], b = texts[i + 1] ?? '0', c = texts[i + 2] ?? '0';
    // bbox w/h must be >= 0: the texts go to score, x and y.
    recs.push(`{"image_id":1,"category_id":1,"score":${a},"bbox":[${b},${c},1,2]}`);
  }
  const cols = scanResultColumns(new TextEncoder().encode(`[${recs.join(',')}]`));
  expect(cols).not.toBeNull();
  const out = new Float64Array(texts.length);
  for (let i = 0; i < texts.length; i++) {
    const r = Math.floor(i / 3), j = i % 3;
    out[i] = j === 0 ? cols!.score[r] : cols!.box[4 * r + j - 1];
  }
  return out;
}

/** Indices where the scanner and JSON.parse differ (as bits: -0 vs 0 too). */
function mismatches(texts: string[]): string[] {
  const got = scanned(texts);
  const want = JSON.parse(`[${texts.join(',')}]`) as number[];
  const bad: string[] = [];
  for (let i = 0; i < texts.length; i++) {
    if (!Object.is(got[i], want[i])) bad.push(`${texts[i]}: got ${got[i]}, JSON.parse ${want[i]}`);
  }
  return bad;
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** A random finite double from random bits, its binary exponent within [lo, hi] (unbiased exponent). */
function randomDouble(rng: Rng, lo: number, hi: number): number {
  u32[0] = Math.floor(rng.next() * 2 ** 32);
  const e = lo + Math.floor(rng.next() * (hi - lo + 1));
  u32[1] = ((e + 1023) << 20) | Math.floor(rng.next() * 2 ** 20);
  return rng.next() < 0.5 ? -f64[0] : f64[0];
}

/** Python's `repr` layout: shortest digits, exponent form below 1e-4 and from 1e16 (`1e-05`, `1.5e+16`). */
function pythonRepr(x: number): string {
  const s = x.toExponential(); // shortest round-trip digits
  const [m, e] = s.split('e');
  const exp = Number(e);
  if (exp < -4 || exp >= 16) return `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  const r = String(x);
  return Number.isInteger(x) ? `${r}.0` : r;
}

describe('exact decimal reading (scanner vs JSON.parse)', () => {
  it('gives JSON.parse’s double for 1.2 million random doubles in 17, 16 and shortest digits', () => {
    const rng = new Rng(20261205);
    let bad: string[] = [];
    for (let round = 0; round < 4; round++) {
      const texts: string[] = [];
      for (let i = 0; i < 100_000; i++) {
        // Mostly the magnitudes of scores and boxes (2^-30 .. 2^20), some anywhere.
        const x = rng.next() < 0.8 ? randomDouble(rng, -30, 20) : randomDouble(rng, -1022, 1023);
        texts.push(x.toPrecision(17), x.toPrecision(16), pythonRepr(x));
      }
      bad = bad.concat(mismatches(texts));
    }
    expect(bad.slice(0, 10)).toEqual([]);
  });

  it('gives JSON.parse’s double for random 16–19-digit decimals at every point position and exponent', () => {
    const rng = new Rng(7);
    const texts: string[] = [];
    for (let i = 0; i < 300_000; i++) {
      const n = 16 + Math.floor(rng.next() * 4);
      let d = String(1 + Math.floor(rng.next() * 9));
      for (let k = 1; k < n; k++) d += String(Math.floor(rng.next() * 10));
      const point = Math.floor(rng.next() * (n + 1));
      let t = point === n ? d : point === 0 ? `0.${'0'.repeat(Math.floor(rng.next() * 4))}${d}` : `${d.slice(0, point)}.${d.slice(point)}`;
      if (rng.next() < 0.3) t += `e${Math.floor(rng.next() * 30) - 25}`;
      texts.push(rng.next() < 0.5 ? `-${t}` : t);
    }
    expect(mismatches(texts).slice(0, 10)).toEqual([]);
  });

  it('rounds exact midpoints between doubles to even, and values a hair off them to the nearer', () => {
    const texts: string[] = [];
    const rng = new Rng(3);
    for (let i = 0; i < 20_000; i++) {
      // Odd integers in [2^53, 2^54) lie halfway between doubles (spacing 2); 2 mod 4 in [2^54, 2^55).
      const base = 2 ** 53 + 2 * Math.floor(rng.next() * 2 ** 40);
      const mid = (BigInt(base) + 1n).toString();
      const mid2 = (BigInt(2 ** 54 + 4 * Math.floor(rng.next() * 2 ** 40)) + 2n).toString();
      texts.push(mid, `${mid}.0`, `${mid}.00`, `${mid2}`, `${mid2}.0`, `${mid}e0`, `${mid.slice(0, 10)}.${mid.slice(10)}0e6`);
      texts.push(`${mid}.1`, `${mid.slice(0, -1)}${Number(mid.slice(-1)) - 1}.9`);
    }
    // Halfway cases with small exponents: (2k+1)·2^-m written out in full where ≤ 19 digits.
    for (let m = 1; m <= 12; m++) {
      for (let j = 0; j < 200; j++) {
        const k = BigInt(2 ** 52 + Math.floor(rng.next() * 2 ** 40)) * 2n + 1n; // 54 bits: halfway at this scale
        const num = k * 5n ** BigInt(m + 1); // k · 2^-(m+1) = k·5^(m+1) / 10^(m+1)
        const s = num.toString();
        const dp = m + 1;
        texts.push(`${s.slice(0, s.length - dp)}.${s.slice(s.length - dp)}`);
      }
    }
    expect(mismatches(texts).slice(0, 10)).toEqual([]);
  });

  it('handles the edges: zeros, powers of ten at ±22, 2^53 neighbours, subnormal and huge values', () => {
    const texts = [
      '0', '-0', '0.0', '-0.0', '0e5', '0.000e-30', '1e22', '1e23', '1e-22', '1e-23', '9007199254740992', '9007199254740993',
      '9007199254740994', '9007199254740995', '18014398509481986', '123456789012345678', '1234567890123456789',
      '12345678901234567890', '0.1', '0.12345678901234567', '0.99999999999999999', '0.999999999999999999', '1.0000000000000002',
      '1.00000000000000011102230246251565404236316680908203125', '2.2250738585072014e-308', '4.9e-324', '1.7976931348623157e308',
      '1e308', '1e-400', '9999999999999999999e-22', '1000000000000000000e-22', '0.0000000000000000000000001234567890123456',
      '5e-324', '3.0000000000000004', '0.30000000000000004', '1.4142135623730951', '2.718281828459045', '1e0', '1E+2', '1.5e-05',
    ];
    expect(mismatches(texts)).toEqual([]);
  });

  it('decides 17-digit decimals itself (no fallback to the text) and gives their double', () => {
    const rng = new Rng(11);
    let decided = 0;
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const x = Math.abs(randomDouble(rng, -20, 30));
      const t = x.toPrecision(17);
      if (t.includes('e')) continue;
      // The scanner's split: the first 15 significant digits, the next (up to 4), the point's exponent.
      const [ip, fp = ''] = t.split('.');
      const digits = (ip + fp).replace(/^0+/, '');
      const hi = Number(digits.slice(0, 15)), lo = Number(digits.slice(15) || '0'), nLo = digits.length - 15;
      const v = exactDecimal(hi, lo, nLo, -fp.length);
      if (v === v) {
        decided++;
        expect(v).toBe(Number(t));
      }
    }
    expect(decided).toBeGreaterThan(0.9 * n);
  });

  it('decides or declines directly: NaN (not a guess) where the path does not apply', () => {
    expect(exactDecimal(123456789012345, 6789, 4, -9)).toBe(1234567890.123456789);
    expect(exactDecimal(123456789012345, 6789, 4, -5)).toBe(12345678901234.56789);
    expect(exactDecimal(123456789012345, 67, 2, 0)).toBe(12345678901234567);
    expect(exactDecimal(123456789012345, 67, 2, 3)).toBeNaN();
    expect(exactDecimal(123456789012345, 67, 2, -23)).toBeNaN();
    expect(exactDecimal(5, 0, 0, 22)).toBe(5e22);
    expect(exactDecimal(5, 0, 0, 23)).toBeNaN();
  });
});
