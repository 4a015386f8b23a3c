/**
 * Masks of one (image, category) pair, decoded into one reused buffer: each mask's runs are a
 * view (`subarray`) of the arena, so decoding a pair's ~10 detection strings and rasterizing its
 * GT polygons allocates no ArrayBuffer per mask (the per-mask buffers, ~110k of them on an
 * LVIS-scale run, were what drove the garbage collector). Views stay valid until `reset`.
 */
import type { Segmentation } from '../coco/types.js';
import { SEG_STRING, type ResultColumns } from '../coco/resultColumns.js';
import { BalmsInputError } from '../util/errors.js';
import { frPolyRuns, rleFromBytesInto } from '../coco/mask/index.js';
import { annotationRle, type Rle } from './maskOps.js';
import { countsText, resultRle } from './prepare.js';

export class RunArena {
  private buf = new Uint32Array(1 << 16);
  private used = 0;

  /** Forgets every mask handed out (their views must no longer be used). */
  reset(): void {
    this.used = 0;
  }

  /** Room for `n` more runs; a grown buffer leaves the earlier views on the old one (still valid). */
  private room(n: number): Uint32Array {
    if (this.buf.length - this.used < n) {
      this.buf = new Uint32Array(Math.max(2 * this.buf.length, n));
      this.used = 0;
    }
    return this.buf;
  }

  private view(m: number, h: number, w: number): Rle {
    const counts = this.buf.subarray(this.used, this.used + m);
    this.used += m;
    return { h, w, counts };
  }

  private copy(r: Rle): Rle {
    const b = this.room(r.counts.length);
    b.set(r.counts, this.used);
    return this.view(r.counts.length, r.h, r.w);
  }

  /** Result i's mask as `resultRle` makes it; a compressed string is decoded in place. */
  result(c: ResultColumns, i: number, h: number, w: number): Rle {
    if (c.segKind[i] !== SEG_STRING) return this.copy(resultRle(c, i, h, w));
    const start = c.rleStart[i], end = c.rleEnd[i];
    const b = this.room(end - start);
    let m: number;
    try {
      m = rleFromBytesInto(c.bytes, start, end, b, this.used, c.jsonEscaped === true, countsText(c, i));
    } catch (e) {
      if (e instanceof BalmsInputError) throw new BalmsInputError(e.problem, { path: `results[${i}].segmentation` });
      throw e;
    }
    return this.view(m, c.segH[i], c.segW[i]);
  }

  /** An annotation's mask as `annotationRle` makes it; a single polygon is rasterized in place. */
  annotation(seg: Segmentation, h: number, w: number): Rle {
    if (Array.isArray(seg) && seg.length === 1 && Array.isArray(seg[0]) && seg[0].length > 4 && isNumberList(seg[0])) {
      let runs: Uint32Array;
      try {
        runs = frPolyRuns(seg[0], h, w);
      } catch (e) {
        if (e instanceof BalmsInputError) throw new BalmsInputError(e.problem, { path: '[0]' });
        throw e;
      }
      const b = this.room(runs.length);
      b.set(runs, this.used);
      return this.view(runs.length, h, w);
    }
    return this.copy(annotationRle(seg, h, w));
  }
}

function isNumberList(a: unknown[]): a is number[] {
  for (let i = 0; i < a.length; i++) if (typeof a[i] !== 'number') return false;
  return true;
}
