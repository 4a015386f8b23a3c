/**
 * Boundary IoU (Cheng et al. 2021, "Boundary IoU: Improving Object-Centric Image Segmentation
 * Evaluation"; the boundary-iou-api's `mask_to_boundary`). A mask's boundary is the set of its
 * pixels within distance d of a background pixel, outside the image counting as background:
 * the mask minus its erosion by a (2d+1)×(2d+1) square, d = max(1, round(ratio · image diagonal))
 * (Python's round: half to even). The api's boundary-type IoU of a detection and a GT is then
 * min(mask IoU, boundary IoU), the mask IoU alone against a crowd GT.
 *
 * The erosion is computed on the mask's bounding box plus one pixel of background (which is what
 * the image border pads with), column by column and then row by row — a square erosion is
 * separable — so the work is proportional to the box, not the image.
 */
import type { Rle } from './maskOps.js';

/** The api's dilation in pixels for an h×w image. */
export function boundaryDilation(h: number, w: number, ratio: number): number {
  const d = roundHalfEven(ratio * Math.sqrt(h * h + w * w));
  return d < 1 ? 1 : d;
}

function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const diff = v - f;
  if (diff > 0.5) return f + 1;
  if (diff < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** Scratch buffers reused across masks. */
export class BoundaryScratch {
  mask = new Uint8Array(0);
  eroded = new Uint8Array(0);
  run = new Uint32Array(0);
  runs: Uint32Array<ArrayBuffer> = new Uint32Array(0);

  ensure(n: number, rows: number): void {
    if (this.mask.length < n) {
      this.mask = new Uint8Array(Math.max(n, 2 * this.mask.length));
      this.eroded = new Uint8Array(this.mask.length);
    }
    if (this.run.length < rows) this.run = new Uint32Array(Math.max(rows, 2 * this.run.length));
  }
}

/** The boundary of an h×w mask (column-major runs, as pycocotools) for dilation `d`, as a new RLE. */
export function maskBoundary(r: Rle, d: number, s: BoundaryScratch): Rle {
  const { h, w, counts } = r;
  // Bounding box of the foreground (a run over a column break spans all rows).
  let x0 = Infinity, x1 = -1, y0 = Infinity, y1 = -1;
  let pos = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i];
    if (i % 2 === 1 && c > 0) {
      const xa = Math.floor(pos / h), xb = Math.floor((pos + c - 1) / h);
      if (xa < x0) x0 = xa;
      if (xb > x1) x1 = xb;
      const ya = pos - xa * h, yb = pos + c - 1 - xb * h;
      if (xa !== xb) {
        y0 = 0;
        y1 = h - 1;
      } else {
        if (ya < y0) y0 = ya;
        if (yb > y1) y1 = yb;
      }
    }
    pos += c;
  }
  if (x1 < 0) return { h, w, counts: Uint32Array.of(h * w) };
  // Crop with one background pixel around: column c ↔ x0 + c − 1, row q ↔ y0 + q − 1.
  const ch = y1 - y0 + 3, cw = x1 - x0 + 3, n = ch * cw;
  s.ensure(n, ch);
  const mask = s.mask, eroded = s.eroded;
  mask.fill(0, 0, n);
  pos = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i];
    if (i % 2 === 1) {
      for (let p = pos; p < pos + c; ) {
        const x = Math.floor(p / h), y = p - x * h;
        const end = Math.min(pos + c, (x + 1) * h); // this column's part of the run
        const base = (x - x0 + 1) * ch + (y - y0 + 1);
        mask.fill(1, base, base + (end - p));
        p = end;
      }
    }
    pos += c;
  }
  erodeColumns(mask, eroded, ch, cw, d);
  erodeRowsInPlace(eroded, s.run, ch, cw, d);
  return encodeDifference(mask, eroded, ch, cw, x0, y0, h, w, s);
}

/** Vertical erosion: a run of ones [a, b] within a column becomes [a + d, b − d]. */
function erodeColumns(mask: Uint8Array, out: Uint8Array, ch: number, cw: number, d: number): void {
  out.fill(0, 0, ch * cw);
  for (let c = 0; c < cw; c++) {
    const base = c * ch;
    let q = 0;
    while (q < ch) {
      if (!mask[base + q]) {
        q++;
        continue;
      }
      let e = q;
      while (e < ch && mask[base + e]) e++;
      // ones at [q, e): eroded ones at [q + d, e − d)
      for (let k = q + d; k < e - d; k++) out[base + k] = 1;
      q = e;
    }
  }
}

/** Horizontal erosion in place: a pixel stays 1 when the 2d+1 pixels of its row centred on it are 1. */
function erodeRowsInPlace(v: Uint8Array, run: Uint32Array, ch: number, cw: number, d: number): void {
  // run[q] = consecutive ones ending at column c in row q; column c − d is kept when it reaches 2d+1.
  // Column c − d is written after column c is read, and later reads are at columns > c: in place is safe
  // as long as each column is cleared only after it is no longer read — so results go through a lag.
  run.fill(0, 0, ch);
  const win = 2 * d + 1;
  for (let c = 0; c < cw; c++) {
    const base = c * ch;
    for (let q = 0; q < ch; q++) {
      const on = v[base + q];
      run[q] = on ? run[q] + 1 : 0;
      // Mark centres with a 2 (kept) in the column c − d, which was already read.
      if (run[q] >= win) v[(c - d) * ch + q] |= 2;
    }
  }
  for (let i = 0; i < ch * cw; i++) v[i] = v[i] >> 1;
}

/** The RLE (h×w image, column-major) of mask ∧ ¬eroded, the crop placed at (x0 − 1, y0 − 1). */
function encodeDifference(mask: Uint8Array, eroded: Uint8Array, ch: number, cw: number, x0: number, y0: number, h: number, w: number, s: BoundaryScratch): Rle {
  let runs = s.runs;
  let m = 0;
  let last = 0; // absolute position after the last emitted run
  let start = -1; // start of the current run of ones
  for (let c = 1; c < cw - 1; c++) {
    const base = c * ch;
    const colPos = (x0 + c - 1) * h + y0 - 1;
    for (let q = 1; q < ch - 1; q++) {
      const on = mask[base + q] === 1 && eroded[base + q] === 0;
      if (on && start < 0) start = colPos + q;
      else if (!on && start >= 0) {
        if (runs.length < m + 2) runs = s.runs = grow(runs, m + 2);
        runs[m++] = start - last;
        runs[m++] = colPos + q - start;
        last = colPos + q;
        start = -1;
      }
    }
    if (start >= 0) {
      // A run reaching the crop's last row continues only if the next pixel is in the next column's crop.
      const end = colPos + ch - 1;
      if (!(y0 === 0 && y0 + ch - 3 === h - 1)) {
        if (runs.length < m + 2) runs = s.runs = grow(runs, m + 2);
        runs[m++] = start - last;
        runs[m++] = end - start;
        last = end;
        start = -1;
      }
    }
  }
  if (start >= 0) {
    const end = (x0 + cw - 2) * h;
    if (runs.length < m + 2) runs = s.runs = grow(runs, m + 2);
    runs[m++] = start - last;
    runs[m++] = end - start;
    last = end;
  }
  const total = h * w;
  const out = new Uint32Array(last < total ? m + 1 : m);
  out.set(runs.subarray(0, m));
  if (last < total) out[m] = total - last;
  if (m === 0) return { h, w, counts: Uint32Array.of(total) };
  return { h, w, counts: out };
}

function grow(a: Uint32Array, n: number): Uint32Array<ArrayBuffer> {
  const b = new Uint32Array(Math.max(n, 2 * a.length, 64));
  b.set(a);
  return b;
}
