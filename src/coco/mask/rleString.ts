/**
 * The compressed RLE string of COCO / LVIS JSON (`rleToString` / `rleFrString` in
 * pycocotools' maskApi.c): a LEB128-like code with 5 data bits per character (chars 48..111).
 * From the fourth run on (index > 2), a run is stored as the difference to the run two before.
 *
 * Values are handled as exact doubles, never through 32-bit `<<`: a delta needs up to 33
 * signed bits, i.e. 7 characters (35 bits). pycocotools computes those shifts in C `int` and,
 * on x86-64, corrupts 7-character negative deltas (only possible on images ≥ 2^29 pixels);
 * this decoder returns the true value there, which makes it the exact inverse of the encoder.
 */
import { BalmsInputError } from '../../util/errors.js';
import type { Rle } from './rle.js';

let chunk = new Uint8Array(4096);
const decoder = new TextDecoder('latin1');
const POW32 = [1, 32, 1024, 32768, 1048576, 33554432, 1073741824, 34359738368, 1099511627776];

/** Encodes runs as the compressed COCO string (matches pycocotools byte for byte). */
export function rleToString(rle: Rle): string {
  const cnts = rle.counts;
  const m = cnts.length;
  // at most 7 chars per run
  const buf = m * 7 <= chunk.length ? chunk : (chunk = new Uint8Array(m * 7 * 2));
  let p = 0;
  for (let i = 0; i < m; i++) {
    let x = cnts[i]!;
    if (i > 2) x -= cnts[i - 2]!;
    let more = true;
    if (x >= -2147483648 && x <= 2147483647) {
      x |= 0; // int32: `>>` is the C arithmetic shift
      while (more) {
        let c = x & 0x1f;
        x >>= 5;
        more = c & 0x10 ? x !== -1 : x !== 0;
        if (more) c |= 0x20;
        buf[p++] = c + 48;
      }
    } else {
      while (more) {
        let c = x & 0x1f; // low bits of the two's complement value (exact below 2^53)
        x = Math.floor(x / 32); // arithmetic shift of the signed 64-bit value
        more = c & 0x10 ? x !== -1 : x !== 0;
        if (more) c |= 0x20;
        buf[p++] = c + 48;
      }
    }
  }
  return decoder.decode(buf.subarray(0, p));
}

/**
 * Decodes a compressed COCO string into runs of an `h`×`w` mask. Throws `BalmsInputError` for
 * characters outside '0'..'o', a string that ends inside a value, a run outside [0, 2^32) (the
 * C `uint` pycocotools stores; it would wrap silently) and runs that do not cover exactly h·w
 * pixels (pycocotools accepts those, and `area` / `toBbox` / `merge` then go past the image).
 */
export function rleFromString(s: string, h: number, w: number): Rle {
  const b = bytesFor(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    b[i] = c > 255 ? 255 : c;
  }
  return rleFromBytes(b, 0, s.length, h, w, false, s);
}

/** `rleFromString` of the string in `b[start..end)` (`text`: the same string, for messages). */
export function rleFromBytes(b: Uint8Array, start: number, end: number, h: number, w: number, jsonEscaped = false, text?: string): Rle {
  if (!Number.isSafeInteger(h) || !Number.isSafeInteger(w) || h < 0 || w < 0) throw new BalmsInputError(`rleFromString: h and w must be non-negative integers, got ${h}×${w}`);
  const cnts = scratchFor(end - start);
  const m = rleFromBytesInto(b, start, end, cnts, 0, jsonEscaped, text);
  let total = 0;
  for (let i = 0; i < m; i++) total += cnts[i]!;
  if (total !== h * w) throw new BalmsInputError(`RLE runs cover ${total} pixels but size ${h}×${w} has ${h * w}`);
  return { h, w, counts: cnts.slice(0, m) };
}

/**
 * `rleFromString` without allocating: writes the runs to `out[at..at+m)` and returns m, the
 * number of runs. `out` must have room for `s.length` runs from `at` (a run takes ≥ 1 character).
 */
export function rleFromStringInto(s: string, out: Uint32Array, at: number): number {
  const n = s.length;
  const b = bytesFor(n);
  // Characters past 255 cannot be RLE characters: 255 is invalid too, and the message names `s`'s own.
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    b[i] = c > 255 ? 255 : c;
  }
  return rleFromBytesInto(b, 0, n, out, at, false, s);
}

/**
 * `rleFromStringInto` over the bytes `b[start..end)` of an RLE string, as the results columns keep
 * them: `jsonEscaped`, as written in JSON (a backslash is the two bytes `\\`), else one byte per
 * character. `text`, when given, is the same string, for messages.
 */
export function rleFromBytesInto(
  b: Uint8Array, start: number, end: number, out: Uint32Array, at: number, jsonEscaped = false, text?: string,
): number {
  const n = end - start;
  if (out.length - at < n) throw new BalmsInputError(`rleFromStringInto: room for ${out.length - at} runs, need up to ${n}`);
  let m = at;
  let p = start;
  while (p < end) {
    let c = b[p] - 48;
    let x: number;
    if (c >= 0 && c < 32) {
      // One character (no continuation bit): the common case, 5 signed bits.
      x = c & 0x10 ? c - 32 : c;
      p++;
    } else {
      // Up to 6 characters (30 bits) a value fits an int32: exact with | and <<.
      x = 0;
      let k = 0;
      do {
        c = p < end ? b[p] - 48 : -1;
        if (!(c >= 0 && c <= 63)) throw badChar(b, start, end, p, text);
        x |= (c & 0x1f) << (5 * k);
        if (c === 44 && jsonEscaped) p++; // '\\' is one backslash
        p++;
        k++;
      } while (c & 0x20 && k < 6);
      if (c & 0x20) {
        // 7 or 8 characters: beyond 32 bits, continue in exact double arithmetic
        do {
          if (k > 7) throw new BalmsInputError(`RLE string has a value longer than 8 characters at ${p - start}`);
          c = p < end ? b[p] - 48 : -1;
          if (!(c >= 0 && c <= 63)) throw badChar(b, start, end, p, text);
          x += (c & 0x1f) * POW32[k]!;
          if (c === 44 && jsonEscaped) p++;
          p++;
          k++;
        } while (c & 0x20);
      }
      if (c & 0x10) x -= POW32[k]!; // sign extension, exact: 0 <= x < 32^k
    }
    if (m - at > 2) x += out[m - 2]!;
    if (!(x >= 0 && x <= 4294967295)) throw new BalmsInputError(`RLE string's run ${m - at} is ${x}, outside [0, 2^32) (a corrupt string, or an image too large for 32-bit runs)`);
    out[m++] = x;
  }
  return m - at;
}

function badChar(b: Uint8Array, start: number, end: number, p: number, text: string | undefined): BalmsInputError {
  if (p >= end) return new BalmsInputError(`RLE string ends inside a value (at character ${p - start})`);
  const ch = text !== undefined ? text[p - start] : String.fromCharCode(b[p]);
  return new BalmsInputError(
    `RLE string has an invalid character ${JSON.stringify(ch)} at ${p - start} (allowed: '0'..'o')`,
  );
}

let bytesScratch = new Uint8Array(1024);
function bytesFor(n: number): Uint8Array {
  if (bytesScratch.length < n) bytesScratch = new Uint8Array(Math.max(n, bytesScratch.length * 2));
  return bytesScratch;
}

let scratch = new Uint32Array(1024);
function scratchFor(n: number): Uint32Array {
  if (scratch.length < n) scratch = new Uint32Array(Math.max(n, scratch.length * 2));
  return scratch;
}
