/**
 * A JPEG decoder that holds little more than the image: baseline and progressive Huffman JPEGs
 * (8-bit; grey, YCbCr, RGB, Adobe CMYK/YCCK) straight to 8-bit RGB. Coefficients live in one
 * Int16Array per component (2 bytes a sample; jpeg-js keeps an Int32Array object per 8×8 block,
 * several times that), and pixels are made one MCU row at a time into the RGB output, so a
 * 4000×3000 photo peaks near 110 MB instead of ~450 MB.
 *
 * The sample maths follow jpeg-js 0.4.4 exactly (its integer IDCT from pdf.js/poppler, nearest
 * chroma upsampling, its colour conversion), so the pixels equal jpeg-js's (a test checks this on
 * real photos); unlike it, an Adobe transform 0 three-component file is read as RGB (as libjpeg
 * does) and a scan cut short is an error, not a grey tail.
 */

import { orientationMap } from './orientation.js';
import { BalmsInputError } from '../util/errors.js';

const ZIGZAG = Int32Array.from([
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37,
  44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
]);
const COS1 = 4017, SIN1 = 799, COS3 = 3406, SIN3 = 2276, COS6 = 1567, SIN6 = 3784, SQRT2 = 5793, SQRT1D2 = 2896; // prettier-ignore

/** A canonical Huffman table: per code length l (1–16), the largest code and the offset into `values`. */
interface Huffman {
  maxCode: Int32Array;
  valOffset: Int32Array;
  values: Uint8Array;
}

interface Component {
  id: number;
  h: number;
  v: number;
  tq: number;
  blocksPerLine: number;
  blocksPerColumn: number;
  /** Blocks per line in the MCU-padded coefficient array (its row stride in blocks). */
  stride: number;
  coeffs: Int16Array;
  pred: number;
  dc: Huffman | null;
  ac: Huffman | null;
}

function buildHuffman(counts: Uint8Array, values: Uint8Array): Huffman {
  const maxCode = new Int32Array(18).fill(-1);
  const valOffset = new Int32Array(18);
  let code = 0;
  let k = 0;
  for (let l = 1; l <= 16; l++) {
    const n = counts[l - 1]!;
    valOffset[l] = k - code;
    code += n;
    k += n;
    maxCode[l] = n ? code - 1 : -1;
    code <<= 1;
  }
  maxCode[17] = 0x7fffffff; // sentinel: a code longer than 16 bits is corrupt data
  return { maxCode, valOffset, values };
}

/**
 * Decodes a JPEG into RGB, turned upright for an EXIF `orientation` (1–8, see `orientationMap`) as
 * the pixels are written (no second full-size buffer). Throws an Error with a one-line reason on
 * anything it cannot read.
 */
export function decodeJpegRgb(b: Uint8Array, maxPixels = 200e6, orientation = 1): { data: Uint8Array; width: number; height: number } {
  if (!(b[0] === 0xff && b[1] === 0xd8)) throw new BalmsInputError('not a JPEG (no start-of-image marker)');
  const qt: Int32Array[] = [];
  const dcTables: (Huffman | null)[] = [null, null, null, null];
  const acTables: (Huffman | null)[] = [null, null, null, null];
  let comps: Component[] = [];
  let width = 0, height = 0, maxH = 1, maxV = 1, mcusPerLine = 0, mcusPerColumn = 0; // prettier-ignore
  let progressive = false;
  let restartInterval = 0;
  let adobeTransform = -1;
  let jfif = false;
  let p = 2;
  const n = b.length;
  const u16 = (o: number) => (b[o]! << 8) | b[o + 1]!;

  for (;;) {
    if (p + 2 > n) throw new BalmsInputError('truncated JPEG: the file ends before its end-of-image marker');
    if (b[p] !== 0xff) {
      // Stray bytes before a marker: libjpeg warns and skips them; so do we.
      p++;
      continue;
    }
    const marker = b[p + 1]!;
    if (marker === 0xff) {
      p++;
      continue;
    }
    if (marker === 0xd9) break;
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      p += 2;
      continue;
    }
    if (p + 4 > n) throw new BalmsInputError('truncated JPEG: the file ends inside a marker segment');
    const len = u16(p + 2);
    const s = p + 4;
    const end = p + 2 + len;
    if (len < 2 || end > n) throw new BalmsInputError('truncated JPEG: the file ends inside a marker segment');
    if (marker === 0xe0 && b[s] === 0x4a && b[s + 1] === 0x46 && b[s + 2] === 0x49 && b[s + 3] === 0x46) jfif = true;
    else if (marker === 0xee && len >= 14 && b[s] === 0x41 && b[s + 1] === 0x64 && b[s + 2] === 0x6f && b[s + 3] === 0x62 && b[s + 4] === 0x65) adobeTransform = b[s + 11]!;
    else if (marker === 0xdb) {
      for (let o = s; o < end; ) {
        const pq = b[o]! >> 4;
        const t = new Int32Array(64);
        for (let j = 0; j < 64; j++) t[ZIGZAG[j]!] = pq ? u16(o + 1 + 2 * j) : b[o + 1 + j]!;
        qt[b[o]! & 15] = t;
        o += 1 + (pq ? 128 : 64);
      }
    } else if (marker === 0xc4) {
      for (let o = s; o < end; ) {
        const tc = b[o]! >> 4;
        const th = b[o]! & 3;
        const counts = b.subarray(o + 1, o + 17);
        let total = 0;
        for (let j = 0; j < 16; j++) total += counts[j]!;
        const table = buildHuffman(counts, b.slice(o + 17, o + 17 + total));
        (tc ? acTables : dcTables)[th] = table;
        o += 17 + total;
      }
    } else if (marker === 0xdd) {
      restartInterval = u16(s);
    } else if (marker === 0xc0 || marker === 0xc1 || marker === 0xc2) {
      if (comps.length) throw new BalmsInputError('unsupported JPEG: more than one frame');
      if (b[s] !== 8) throw new BalmsInputError(`unsupported JPEG: ${b[s]}-bit samples (only 8-bit)`);
      progressive = marker === 0xc2;
      height = u16(s + 1);
      width = u16(s + 3);
      if (!width || !height) throw new BalmsInputError('unsupported JPEG: zero width or height (DNL)');
      if (width * height > maxPixels) throw new BalmsInputError(`JPEG of ${width}×${height} is larger than ${maxPixels / 1e6} megapixels`);
      const nc = b[s + 5]!;
      if (nc !== 1 && nc !== 3 && nc !== 4) throw new BalmsInputError(`unsupported JPEG: ${nc} colour components`);
      for (let i = 0; i < nc; i++) {
        const o = s + 6 + 3 * i;
        const h = b[o + 1]! >> 4, v = b[o + 1]! & 15; // prettier-ignore
        if (h < 1 || h > 4 || v < 1 || v > 4) throw new BalmsInputError('corrupt JPEG: bad sampling factor');
        comps.push({ id: b[o]!, h, v, tq: b[o + 2]!, blocksPerLine: 0, blocksPerColumn: 0, stride: 0, coeffs: new Int16Array(0), pred: 0, dc: null, ac: null });
      }
      maxH = Math.max(...comps.map((c) => c.h));
      maxV = Math.max(...comps.map((c) => c.v));
      mcusPerLine = Math.ceil(width / 8 / maxH);
      mcusPerColumn = Math.ceil(height / 8 / maxV);
      for (const c of comps) {
        c.blocksPerLine = Math.ceil((Math.ceil(width / 8) * c.h) / maxH);
        c.blocksPerColumn = Math.ceil((Math.ceil(height / 8) * c.v) / maxV);
        c.stride = mcusPerLine * c.h;
        c.coeffs = new Int16Array(c.stride * mcusPerColumn * c.v * 64);
      }
    } else if (marker >= 0xc3 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      throw new BalmsInputError(`unsupported JPEG: ${marker === 0xc3 || marker === 0xc7 || marker === 0xcb || marker === 0xcf ? 'lossless' : 'arithmetic-coded or hierarchical'} coding (SOF ${marker.toString(16)})`);
    } else if (marker === 0xda) {
      if (!comps.length) throw new BalmsInputError('corrupt JPEG: scan before frame header');
      const ns = b[s]!;
      const scanComps: Component[] = [];
      for (let i = 0; i < ns; i++) {
        const c = comps.find((x) => x.id === b[s + 1 + 2 * i]);
        if (!c) throw new BalmsInputError('corrupt JPEG: scan names an unknown component');
        c.dc = dcTables[b[s + 2 + 2 * i]! >> 4] ?? null;
        c.ac = acTables[b[s + 2 + 2 * i]! & 15] ?? null;
        scanComps.push(c);
      }
      const o = s + 1 + 2 * ns;
      const ss = b[o]!, se = b[o + 1]!, ah = b[o + 2]! >> 4, al = b[o + 2]! & 15; // prettier-ignore
      p = decodeScan(b, end, scanComps, { progressive, ss, se, ah, al, restartInterval, mcusPerLine, mcusPerColumn });
      continue;
    }
    p = end;
  }
  if (!comps.length) throw new BalmsInputError('corrupt JPEG: no frame header');
  for (const c of comps) if (!qt[c.tq]) throw new BalmsInputError('corrupt JPEG: missing quantisation table');
  const transform = comps.length === 3 ? !(adobeTransform === 0 || (adobeTransform < 0 && !jfif && comps[0]!.id === 82 && comps[1]!.id === 71 && comps[2]!.id === 66)) : adobeTransform > 0;
  const m = orientationMap(orientation, width, height);
  return { data: toRgb(comps, qt, width, height, maxH, maxV, mcusPerColumn, transform, m), width: m.width, height: m.height };
}

interface ScanParams {
  progressive: boolean;
  ss: number;
  se: number;
  ah: number;
  al: number;
  restartInterval: number;
  mcusPerLine: number;
  mcusPerColumn: number;
}

/** Decodes one scan's entropy-coded data starting at `p`; returns the offset of the marker after it. */
function decodeScan(b: Uint8Array, p: number, comps: Component[], sp: ScanParams): number {
  const n = b.length;
  let bits = 0;
  let nbits = 0;
  let hitMarker = false;
  const readBit = (): number => {
    if (nbits === 0) {
      if (p >= n) throw new BalmsInputError('truncated JPEG: the file ends inside a scan');
      let byte = b[p]!;
      if (byte === 0xff) {
        const next = b[p + 1];
        if (next === 0) p += 2;
        else {
          // A marker: the data ran out early; feed zeros as libjpeg does (the scan is corrupt).
          hitMarker = true;
          byte = 0;
        }
      } else p++;
      bits = byte;
      nbits = 8;
    }
    nbits--;
    return (bits >> nbits) & 1;
  };
  const receive = (len: number): number => {
    let v = 0;
    for (let i = 0; i < len; i++) v = (v << 1) | readBit();
    return v;
  };
  const extend = (len: number): number => {
    if (len === 0) return 0;
    const v = receive(len);
    return v >= 1 << (len - 1) ? v : v + (-1 << len) + 1;
  };
  const huff = (t: Huffman | null): number => {
    if (!t) throw new BalmsInputError('corrupt JPEG: scan uses a Huffman table that was not defined');
    let code = readBit();
    let l = 1;
    while (code > t.maxCode[l]!) {
      code = (code << 1) | readBit();
      l++;
    }
    if (l > 16) throw new BalmsInputError('corrupt JPEG: bad Huffman code');
    return t.values[t.valOffset[l]! + code]!;
  };

  const { ss, se, ah, al } = sp;
  let eobrun = 0;
  let decode: (c: Component, z: Int16Array, o: number) => void;
  if (!sp.progressive) {
    decode = (c, z, o) => {
      const t = huff(c.dc);
      z[o] = c.pred += extend(t);
      for (let k = 1; k < 64; ) {
        const rs = huff(c.ac);
        const s = rs & 15, r = rs >> 4; // prettier-ignore
        if (s === 0) {
          if (r < 15) break;
          k += 16;
          continue;
        }
        k += r;
        if (k > 63) throw new BalmsInputError('corrupt JPEG: coefficient index past 63');
        z[o + ZIGZAG[k]!] = extend(s);
        k++;
      }
    };
  } else if (ss === 0) {
    decode =
      ah === 0
        ? (c, z, o) => {
            z[o] = c.pred += extend(huff(c.dc)) * (1 << al);
          }
        : (_c, z, o) => {
            if (readBit()) z[o]! |= 1 << al;
          };
  } else if (ah === 0) {
    decode = (c, z, o) => {
      if (eobrun > 0) {
        eobrun--;
        return;
      }
      for (let k = ss; k <= se; ) {
        const rs = huff(c.ac);
        const s = rs & 15, r = rs >> 4; // prettier-ignore
        if (s === 0) {
          if (r < 15) {
            eobrun = receive(r) + (1 << r) - 1;
            break;
          }
          k += 16;
          continue;
        }
        k += r;
        if (k > 63) throw new BalmsInputError('corrupt JPEG: coefficient index past 63');
        z[o + ZIGZAG[k]!] = extend(s) * (1 << al);
        k++;
      }
    };
  } else {
    // AC refinement (G.1.2.3): correction bits for nonzero coefficients, new ±1 coefficients in zero runs.
    const p1 = 1 << al, m1 = -1 << al; // prettier-ignore
    decode = (c, z, o) => {
      let k = ss;
      if (eobrun <= 0) {
        for (; k <= se; ) {
          const rs = huff(c.ac);
          const s = rs & 15;
          let r = rs >> 4;
          let value = 0;
          if (s === 0) {
            if (r < 15) {
              eobrun = receive(r) + (1 << r);
              break;
            }
          } else {
            value = readBit() ? p1 : m1;
          }
          while (k <= se) {
            const zk = o + ZIGZAG[k]!;
            if (z[zk] !== 0) {
              if (readBit() && (z[zk]! & p1) === 0) z[zk] = z[zk]! >= 0 ? z[zk]! + p1 : z[zk]! + m1;
            } else {
              if (r === 0) {
                if (value !== 0) z[zk] = value;
                k++;
                break;
              }
              r--;
            }
            k++;
          }
        }
      }
      if (eobrun > 0) {
        for (; k <= se; k++) {
          const zk = o + ZIGZAG[k]!;
          if (z[zk] !== 0 && readBit() && (z[zk]! & p1) === 0) z[zk] = z[zk]! >= 0 ? z[zk]! + p1 : z[zk]! + m1;
        }
        eobrun--;
      }
    };
  }

  const single = comps.length === 1;
  const total = single ? comps[0]!.blocksPerLine * comps[0]!.blocksPerColumn : sp.mcusPerLine * sp.mcusPerColumn;
  const interval = sp.restartInterval || total;
  let mcu = 0;
  while (mcu < total) {
    for (const c of comps) c.pred = 0;
    eobrun = 0;
    const stop = Math.min(total, mcu + interval);
    for (; mcu < stop; mcu++) {
      if (single) {
        const c = comps[0]!;
        const row = (mcu / c.blocksPerLine) | 0;
        const col = mcu - row * c.blocksPerLine;
        decode(c, c.coeffs, (row * c.stride + col) * 64);
      } else {
        const mr = (mcu / sp.mcusPerLine) | 0;
        const mc = mcu - mr * sp.mcusPerLine;
        for (const c of comps) {
          for (let v = 0; v < c.v; v++) {
            for (let h = 0; h < c.h; h++) decode(c, c.coeffs, ((mr * c.v + v) * c.stride + mc * c.h + h) * 64);
          }
        }
      }
    }
    if (hitMarker && mcu < total) throw new BalmsInputError('corrupt JPEG: a scan ends early');
    // Align to a byte and find the next marker (RSTn between intervals, else the next segment).
    nbits = 0;
    hitMarker = false;
    while (p + 1 < n && !(b[p] === 0xff && b[p + 1] !== 0 && b[p + 1] !== 0xff)) p++;
    if (p + 1 >= n) throw new BalmsInputError('truncated JPEG: the file ends inside a scan');
    const m = b[p + 1]!;
    if (m >= 0xd0 && m <= 0xd7) {
      if (mcu < total) p += 2;
    } else if (mcu < total) throw new BalmsInputError('corrupt JPEG: a scan ends early');
  }
  return p;
}

/**
 * One 8-point pass of jpeg-js's integer IDCT (Loeffler–Ligtenberg–Moschytz, from poppler) over
 * `w[o + i·step]`, i = 0…7, in place. Rows and columns differ only in fixed-point scaling: `sh`/`rnd`
 * for the first products, `pre` for the odd inputs, `zsh`/`zrnd` for an all-zero-AC line.
 */
function idctPass(w: Int32Array, o: number, step: number, sh: number, rnd: number, pre: number, zsh: number, zrnd: number): void {
  const x0 = w[o]!, x1 = w[o + step]!, x2 = w[o + 2 * step]!, x3 = w[o + 3 * step]!; // prettier-ignore
  const x4 = w[o + 4 * step]!, x5 = w[o + 5 * step]!, x6 = w[o + 6 * step]!, x7 = w[o + 7 * step]!; // prettier-ignore
  if (x1 === 0 && x2 === 0 && x3 === 0 && x4 === 0 && x5 === 0 && x6 === 0 && x7 === 0) {
    const t = (SQRT2 * x0 + zrnd) >> zsh;
    for (let i = 0; i < 8; i++) w[o + i * step] = t;
    return;
  }
  let v0 = (SQRT2 * x0 + rnd) >> sh;
  let v1 = (SQRT2 * x4 + rnd) >> sh;
  let v2 = x2;
  let v3 = x6;
  let v4 = (SQRT1D2 * (x1 - x7) + rnd) >> sh;
  let v7 = (SQRT1D2 * (x1 + x7) + rnd) >> sh;
  let v5 = x3 << pre;
  let v6 = x5 << pre;
  let t;
  t = (v0 - v1 + 1) >> 1; v0 = (v0 + v1 + 1) >> 1; v1 = t; // prettier-ignore
  t = (v2 * SIN6 + v3 * COS6 + rnd) >> sh; v2 = (v2 * COS6 - v3 * SIN6 + rnd) >> sh; v3 = t; // prettier-ignore
  t = (v4 - v6 + 1) >> 1; v4 = (v4 + v6 + 1) >> 1; v6 = t; // prettier-ignore
  t = (v7 + v5 + 1) >> 1; v5 = (v7 - v5 + 1) >> 1; v7 = t; // prettier-ignore
  t = (v0 - v3 + 1) >> 1; v0 = (v0 + v3 + 1) >> 1; v3 = t; // prettier-ignore
  t = (v1 - v2 + 1) >> 1; v1 = (v1 + v2 + 1) >> 1; v2 = t; // prettier-ignore
  t = (v4 * SIN3 + v7 * COS3 + 2048) >> 12; v4 = (v4 * COS3 - v7 * SIN3 + 2048) >> 12; v7 = t; // prettier-ignore
  t = (v5 * SIN1 + v6 * COS1 + 2048) >> 12; v5 = (v5 * COS1 - v6 * SIN1 + 2048) >> 12; v6 = t; // prettier-ignore
  w[o] = v0 + v7; w[o + 7 * step] = v0 - v7; w[o + step] = v1 + v6; w[o + 6 * step] = v1 - v6; // prettier-ignore
  w[o + 2 * step] = v2 + v5; w[o + 5 * step] = v2 - v5; w[o + 3 * step] = v3 + v4; w[o + 4 * step] = v3 - v4; // prettier-ignore
}

/** Dequantises and inverse-transforms one block from `coeffs[o…o+63]` into `out` (8-bit, row-major 8×8). */
function idctBlock(coeffs: Int16Array, o: number, q: Int32Array, w: Int32Array, out: Uint8Array): void {
  for (let i = 0; i < 64; i++) w[i] = coeffs[o + i]! * q[i]!;
  for (let r = 0; r < 64; r += 8) idctPass(w, r, 1, 8, 128, 4, 10, 512);
  for (let c = 0; c < 8; c++) idctPass(w, c, 8, 12, 2048, 0, 14, 8192);
  for (let i = 0; i < 64; i++) {
    const s = 128 + ((w[i]! + 8) >> 4);
    out[i] = s < 0 ? 0 : s > 255 ? 255 : s;
  }
}

const clamp = (a: number): number => (a < 0 ? 0 : a > 255 ? 255 : a);

/**
 * Pixels from the coefficients, one MCU row at a time: each component's blocks of that row go
 * through the IDCT into a strip, then every pixel takes its nearest component samples and is
 * written where `place` puts it in the upright image.
 */
function toRgb(
  comps: Component[],
  qt: Int32Array[],
  width: number,
  height: number,
  maxH: number,
  maxV: number,
  mcusPerColumn: number,
  transform: boolean,
  place: ReturnType<typeof orientationMap>,
): Uint8Array {
  const st = place.step * 3;
  const out = new Uint8Array(width * height * 3);
  const nc = comps.length;
  const work = new Int32Array(64);
  const block = new Uint8Array(64);
  const strips = comps.map((c) => new Uint8Array(c.stride * 8 * c.v * 8));
  const xMaps = comps.map((c) => {
    const m = new Int32Array(width);
    const sx = c.h / maxH;
    for (let x = 0; x < width; x++) m[x] = (x * sx) | 0;
    return m;
  });
  const rowsPerMcu = 8 * maxV;
  const lines: Uint8Array[] = new Array(nc);
  for (let mr = 0; mr < mcusPerColumn; mr++) {
    for (let ci = 0; ci < nc; ci++) {
      const c = comps[ci]!;
      const strip = strips[ci]!;
      const lineLen = c.stride * 8;
      const q = qt[c.tq]!;
      for (let v = 0; v < c.v; v++) {
        const br = mr * c.v + v;
        for (let bc = 0; bc < c.stride; bc++) {
          idctBlock(c.coeffs, (br * c.stride + bc) * 64, q, work, block);
          for (let y = 0; y < 8; y++) strip.set(block.subarray(y * 8, y * 8 + 8), (v * 8 + y) * lineLen + bc * 8);
        }
      }
    }
    const y0 = mr * rowsPerMcu;
    const y1 = Math.min(height, y0 + rowsPerMcu);
    for (let y = y0; y < y1; y++) {
      for (let ci = 0; ci < nc; ci++) {
        const c = comps[ci]!;
        const lineLen = c.stride * 8;
        const cy = ((y * (c.v / maxV)) | 0) - mr * c.v * 8;
        lines[ci] = strips[ci]!.subarray(cy * lineLen, (cy + 1) * lineLen);
      }
      let o = (place.start + y * place.rowStep) * 3;
      if (nc === 1) {
        const l = lines[0]!, m = xMaps[0]!; // prettier-ignore
        for (let x = 0; x < width; x++, o += st) out[o] = out[o + 1] = out[o + 2] = l[m[x]!]!;
      } else if (nc === 3) {
        const l0 = lines[0]!, l1 = lines[1]!, l2 = lines[2]!, m0 = xMaps[0]!, m1 = xMaps[1]!, m2 = xMaps[2]!; // prettier-ignore
        for (let x = 0; x < width; x++, o += st) {
          const a = l0[m0[x]!]!, b = l1[m1[x]!]!, d = l2[m2[x]!]!; // prettier-ignore
          if (transform) {
            out[o] = clamp(a + 1.402 * (d - 128));
            out[o + 1] = clamp(a - 0.3441363 * (b - 128) - 0.71413636 * (d - 128));
            out[o + 2] = clamp(a + 1.772 * (b - 128));
          } else {
            out[o] = a;
            out[o + 1] = b;
            out[o + 2] = d;
          }
        }
      } else {
        const l0 = lines[0]!, l1 = lines[1]!, l2 = lines[2]!, l3 = lines[3]!; // prettier-ignore
        const m0 = xMaps[0]!, m1 = xMaps[1]!, m2 = xMaps[2]!, m3 = xMaps[3]!; // prettier-ignore
        for (let x = 0; x < width; x++, o += st) {
          let cc: number, mm: number, yy: number; // prettier-ignore
          const a = l0[m0[x]!]!, b = l1[m1[x]!]!, d = l2[m2[x]!]!; // prettier-ignore
          if (transform) {
            // YCCK → inverted CMY, as jpeg-js (the Uint8 stores truncate)
            cc = (255 - (255 - clamp(a + 1.402 * (d - 128)))) | 0;
            mm = (255 - (255 - clamp(a - 0.3441363 * (b - 128) - 0.71413636 * (d - 128)))) | 0;
            yy = (255 - (255 - clamp(a + 1.772 * (b - 128)))) | 0;
          } else {
            cc = 255 - a;
            mm = 255 - b;
            yy = 255 - d;
          }
          const k = 255 - l3[m3[x]!]!;
          out[o] = 255 - clamp(cc * (1 - k / 255) + k);
          out[o + 1] = 255 - clamp(mm * (1 - k / 255) + k);
          out[o + 2] = 255 - clamp(yy * (1 - k / 255) + k);
        }
      }
    }
  }
  return out;
}
