/**
 * A detection results file's bytes straight into typed columns: one pass, no JavaScript object
 * (or string) per detection. It accepts exactly what `JSON.parse` + `validateResults` accept and
 * gives the same values; anything else — a syntax error, a failed check, a rare form it does not
 * take itself (escapes in keys, `\u` escapes in an RLE string) — returns null, and the caller
 * takes the general path, whose parser and validator name the file, record, key, line and column.
 * The bytes are never changed: RLE strings stay as written (`jsonEscaped` columns).
 */
import { MAX_JSON_NESTING } from '../util/jsonText.js';
import { exactDecimal } from './exactDecimal.js';
import { BOX_OK, SEG_STRING, allocateColumns, growColumns, type ResultColumns } from './resultColumns.js';
import type { ResultsGroundTruth, ValidateResultsOptions } from './validateResults.js';

/** Thrown inside the scanner to give up; never escapes `scanResultColumns`. */
const BAIL = { bail: true };

const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);
/** Records read before the columns are sized from their mean size. */
const ESTIMATE_AFTER = 1024;
const POW32 = Array.from({ length: 9 }, (_, k) => 32 ** k);

const enc = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const K_IMAGE = enc('image_id');
const K_CATEGORY = enc('category_id');
const K_SCORE = enc('score');
const K_BBOX = enc('bbox');
const K_SEGM = enc('segmentation');
const K_SIZE = enc('size');
const K_COUNTS = enc('counts');

const SEEN_IMAGE = 1, SEEN_CATEGORY = 2, SEEN_SCORE = 4, SEEN_BBOX = 8, SEEN_SEGM = 16;

/**
 * Scans a results file's bytes (a JSON array of `{image_id, category_id, score, bbox?,
 * segmentation?}`) into columns with `validateResults`' checks (against `gt` when given), or
 * returns null when the general path must look at it. Each compressed RLE string is decoded once,
 * here, for the validator's pixel total and the mask's area (`segArea`).
 */
export function scanResultColumns(bytes: Uint8Array, gt?: ResultsGroundTruth, opts: ValidateResultsOptions = {}): ResultColumns | null {
  const s = new ColumnScanner(bytes, gt, opts);
  try {
    return s.scan();
  } catch (e) {
    if (e === BAIL) return null;
    throw e;
  }
}

class ColumnScanner {
  private p = 0;
  private c: ResultColumns;
  private iouType: 'bbox' | 'segm' | undefined;
  private readonly allowUnknown: boolean;
  /** The pixel total of the last RLE string read (for the size check). */
  private rleTotal = 0;
  private lastImage = NaN;
  private lastH = 0;
  private lastW = 0;

  constructor(private readonly b: Uint8Array, private readonly gt: ResultsGroundTruth | undefined, opts: ValidateResultsOptions) {
    this.c = allocateColumns(ESTIMATE_AFTER, b);
    this.c.jsonEscaped = true;
    this.c.segArea = new Float64Array(ESTIMATE_AFTER);
    this.iouType = opts.iouType;
    this.allowUnknown = opts.allowUnknownCategories ?? false;
  }

  scan(): ResultColumns {
    const b = this.b;
    if (this.ws() !== 0x5b) throw BAIL;
    this.p++;
    if (this.ws() === 0x5d) throw BAIL; // empty list: the validator's message
    for (;;) {
      this.record();
      const c = this.ws();
      this.p++;
      if (c === 0x5d) break;
      if (c !== 0x2c) throw BAIL;
    }
    if (this.ws() !== undefined || this.p !== b.length) throw BAIL;
    return this.c;
  }

  /** Skips whitespace; returns the byte at the new position (undefined at the end). */
  private ws(): number {
    const b = this.b;
    let p = this.p;
    let c = b[p];
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++p];
    this.p = p;
    return c;
  }

  private expect(ch: number): void {
    if (this.ws() !== ch) throw BAIL;
    this.p++;
  }

  /** A key at `p` (just after its quote) equal to `k` followed by a quote; moves past it. */
  private isKey(k: Uint8Array): boolean {
    const b = this.b, p = this.p;
    if (b[p + k.length] !== 0x22) return false;
    for (let j = 0; j < k.length; j++) if (b[p + j] !== k[j]) return false;
    this.p = p + k.length + 1;
    return true;
  }

  /** Skips a key at `p` (after its quote) that is none of ours; escapes in keys go to the general path. */
  private otherKey(): void {
    const b = this.b;
    let p = this.p;
    for (;;) {
      const c = b[p];
      if (c === 0x22) break;
      if (c === undefined || c < 0x20 || c === 0x5c) throw BAIL;
      p++;
    }
    this.p = p + 1;
  }

  private record(): void {
    const c0 = this.c;
    let c = c0;
    const i = c.count;
    if (i === c.imageId.length) {
      // After the first records, room for the whole file at their mean size (+15%); then doubling.
      const n = i === ESTIMATE_AFTER ? Math.ceil((1.15 * i * this.b.length) / this.p) + 16 : 2 * i;
      c = this.c = growColumns(c0, n);
    }
    this.expect(0x7b);
    let seen = 0;
    if (this.ws() === 0x7d) throw BAIL;
    for (;;) {
      this.expect(0x22);
      let bit = 0;
      const b = this.b;
      const k = b[this.p];
      if (k === 0x69 && this.isKey(K_IMAGE)) bit = SEEN_IMAGE;
      else if (k === 0x63 && this.isKey(K_CATEGORY)) bit = SEEN_CATEGORY;
      else if (k === 0x73 && (this.isKey(K_SCORE) || this.isKey(K_SEGM))) bit = b[this.p - 2] === 0x65 ? SEEN_SCORE : SEEN_SEGM;
      else if (k === 0x62 && this.isKey(K_BBOX)) bit = SEEN_BBOX;
      else this.otherKey();
      if (seen & bit) throw BAIL; // a repeated key: JSON.parse keeps the last one
      seen |= bit;
      this.expect(0x3a);
      this.ws();
      switch (bit) {
        case SEEN_IMAGE: c.imageId[i] = this.id(); break;
        case SEEN_CATEGORY: c.categoryId[i] = this.id(); break;
        case SEEN_SCORE: {
          const v = this.num();
          if (!Number.isFinite(v)) throw BAIL;
          c.score[i] = v;
          break;
        }
        case SEEN_BBOX: this.bbox(i); break;
        case SEEN_SEGM: this.segmentation(i); break;
        default: this.skipValue(3); // a container here is the third level (list, record, value)
      }
      const e = this.ws();
      this.p++;
      if (e === 0x7d) break;
      if (e !== 0x2c) throw BAIL;
    }
    if ((seen & (SEEN_IMAGE | SEEN_CATEGORY | SEEN_SCORE)) !== (SEEN_IMAGE | SEEN_CATEGORY | SEEN_SCORE)) throw BAIL;
    if (i === 0 && this.iouType === undefined) this.iouType = seen & SEEN_BBOX ? 'bbox' : 'segm';
    if (this.iouType === 'bbox' && !(seen & SEEN_BBOX)) throw BAIL;
    if (this.iouType === 'segm' && !(seen & SEEN_SEGM)) throw BAIL;
    this.checkGt(i);
    c.count = i + 1;
  }

  /** The ground-truth checks of `validateResults`: known image and category, RLE size and pixel total. */
  private checkGt(i: number): void {
    const c = this.c;
    const gt = this.gt;
    let h: number, w: number;
    if (gt) {
      const id = c.imageId[i];
      if (id !== this.lastImage) {
        const size = gt.imageSize(id);
        if (!size) throw BAIL;
        this.lastImage = id;
        this.lastH = size[0];
        this.lastW = size[1];
      }
      if (!this.allowUnknown && !gt.hasCategory(c.categoryId[i])) throw BAIL;
      h = this.lastH;
      w = this.lastW;
    } else {
      h = c.segH[i];
      w = c.segW[i];
      if (c.segKind[i] === SEG_STRING && !(h > 0 && w > 0)) throw BAIL;
    }
    if (c.segKind[i] !== SEG_STRING) return;
    if (c.segH[i] !== h || c.segW[i] !== w || this.rleTotal !== h * w) throw BAIL;
  }

  /** An integer id (a safe integer, as `checkId`). */
  private id(): number {
    const v = this.num();
    if (!Number.isSafeInteger(v)) throw BAIL;
    return v;
  }

  /**
   * A JSON number, with `JSON.parse`'s value: up to 19 significant digits and a power of ten
   * within ±22 by `exactDecimal` (Clinger's fast path up to 15 digits, an exactly checked quotient
   * past it), else `Number` of its text.
   */
  private num(): number {
    const b = this.b;
    const start = this.p;
    let p = start;
    let neg = false;
    if (b[p] === 0x2d) {
      neg = true;
      p++;
    }
    let c = b[p];
    // The significant digits: the first 15 in `hi`, the next 4 in `lo` (`nLo` of them).
    let hi = 0, lo = 0, nLo = 0, sig = 0, exp = 0;
    let slow = false;
    if (c === 0x30) c = b[++p];
    else if (c >= 0x31 && c <= 0x39) {
      do {
        if (sig < 15) {
          hi = hi * 10 + (c - 0x30);
          sig++;
        } else if (sig < 19) {
          lo = lo * 10 + (c - 0x30);
          nLo++;
          sig++;
        } else slow = true;
        c = b[++p];
      } while (c >= 0x30 && c <= 0x39);
    } else throw BAIL;
    if (c === 0x2e) {
      c = b[++p];
      if (!(c >= 0x30 && c <= 0x39)) throw BAIL;
      do {
        if (sig < 15) {
          hi = hi * 10 + (c - 0x30);
          if (hi !== 0) sig++;
        } else if (sig < 19) {
          lo = lo * 10 + (c - 0x30);
          nLo++;
          sig++;
        } else slow = true;
        exp--;
        c = b[++p];
      } while (c >= 0x30 && c <= 0x39);
    }
    if (c === 0x65 || c === 0x45) {
      c = b[++p];
      let eneg = false;
      if (c === 0x2b || c === 0x2d) {
        eneg = c === 0x2d;
        c = b[++p];
      }
      if (!(c >= 0x30 && c <= 0x39)) throw BAIL;
      let e = 0;
      do {
        if (e < 1e6) e = e * 10 + (c - 0x30);
        c = b[++p];
      } while (c >= 0x30 && c <= 0x39);
      exp += eneg ? -e : e;
    }
    this.p = p;
    if (!slow) {
      const v = nLo === 0 && exp <= 0 && exp >= -22 ? hi / POW10[-exp] : exactDecimal(hi, lo, nLo, exp);
      if (v === v) return neg ? -v : v;
    }
    return Number(latin1(b, start, p));
  }

  /** `[x, y, w, h]` of finite numbers, w and h ≥ 0 (as `checkBbox`), or an empty list (COCO's "none"). */
  private bbox(i: number): void {
    const c = this.c;
    if (this.b[this.p] !== 0x5b) throw BAIL;
    this.p++;
    if (this.ws() === 0x5d) throw BAIL; // not four numbers: the validator's message
    for (let k = 0; k < 4; k++) {
      if (k > 0) this.expect(0x2c);
      this.ws();
      const v = this.num();
      if (!Number.isFinite(v) || (k >= 2 && v < 0)) throw BAIL;
      c.box[4 * i + k] = v;
    }
    this.expect(0x5d);
    c.boxKind[i] = BOX_OK;
  }

  /** A compressed RLE `{size: [h, w], counts: "…"}`, other keys skipped. */
  private segmentation(i: number): void {
    const c = this.c;
    const b = this.b;
    if (b[this.p] !== 0x7b) throw BAIL;
    this.p++;
    if (this.ws() === 0x7d) throw BAIL;
    let seen = 0;
    for (;;) {
      this.expect(0x22);
      let bit = 0;
      if (b[this.p] === 0x73 && this.isKey(K_SIZE)) bit = 1;
      else if (b[this.p] === 0x63 && this.isKey(K_COUNTS)) bit = 2;
      else this.otherKey();
      if (seen & bit) throw BAIL;
      seen |= bit;
      this.expect(0x3a);
      this.ws();
      if (bit === 1) {
        if (b[this.p] !== 0x5b) throw BAIL;
        this.p++;
        this.ws();
        const h = this.num();
        this.expect(0x2c);
        this.ws();
        const w = this.num();
        this.expect(0x5d);
        if (!Number.isSafeInteger(h) || !Number.isSafeInteger(w)) throw BAIL;
        c.segH[i] = h;
        c.segW[i] = w;
      } else if (bit === 2) {
        this.counts(i);
      } else this.skipValue(4);
      const e = this.ws();
      this.p++;
      if (e === 0x7d) break;
      if (e !== 0x2c) throw BAIL;
    }
    if (seen !== 3) throw BAIL;
    c.segKind[i] = SEG_STRING;
  }

  /**
   * The counts string, decoded as `rleFromBytesInto` decodes it (a backslash is written `\\\\`)
   * for its pixel total (as `compressedRleTotal`) and area (as `area`): anything either would reject
   * — a character outside '0'..'o', a value cut short or over 8 characters, a run outside
   * [0, 2^32) — goes to the general path.
   */
  private counts(i: number): void {
    const b = this.b;
    if (b[this.p] !== 0x22) throw BAIL;
    const start = this.p + 1;
    let p = start;
    let total = 0, area = 0, m = 0, prev1 = 0, prev2 = 0;
    for (;;) {
      let ch = b[p];
      if (ch === 0x22) break;
      let c = ch - 48;
      let x: number;
      if (c >= 0 && c < 32) {
        x = c & 0x10 ? c - 32 : c;
        p++;
      } else {
        x = 0;
        let k = 0;
        do {
          if (k > 7) throw BAIL;
          ch = b[p];
          if (ch === 0x5c) {
            if (b[p + 1] !== 0x5c) throw BAIL; // other escapes: the general path
            p++;
          }
          c = ch - 48; // NaN past the end
          if (!(c >= 0 && c <= 63)) throw BAIL;
          x += (c & 0x1f) * POW32[k];
          p++;
          k++;
        } while (c & 0x20);
        if (c & 0x10) x -= POW32[k];
      }
      if (m > 2) x += prev2;
      if (!(x >= 0 && x <= 4294967295)) throw BAIL;
      total += x;
      if (m & 1) area += x;
      prev2 = prev1;
      prev1 = x;
      m++;
    }
    this.p = p + 1;
    const c = this.c;
    c.rleStart[i] = start;
    c.rleEnd[i] = p;
    c.segArea![i] = area >>> 0; // modulo 2^32, as `area`
    this.rleTotal = total;
  }

  /** Skips any JSON value (checked as `JSON.parse` would); `depth`: the nesting level a container here has. */
  private skipValue(depth: number): void {
    const b = this.b;
    const ch = b[this.p];
    if (ch === 0x22) {
      this.p++;
      this.skipString();
    } else if (ch === 0x7b || ch === 0x5b) {
      if (depth > MAX_JSON_NESTING) throw BAIL;
      const close = ch === 0x7b ? 0x7d : 0x5d;
      this.p++;
      if (this.ws() === close) {
        this.p++;
        return;
      }
      for (;;) {
        if (close === 0x7d) {
          this.expect(0x22);
          this.skipString();
          this.expect(0x3a);
        }
        this.ws();
        this.skipValue(depth + 1);
        const e = this.ws();
        this.p++;
        if (e === close) return;
        if (e !== 0x2c) throw BAIL;
        this.ws();
      }
    } else if (ch === 0x74) this.literal('true');
    else if (ch === 0x66) this.literal('false');
    else if (ch === 0x6e) this.literal('null');
    else this.num();
  }

  /** Past a string's closing quote (`p` just after the opening one), its escapes checked. */
  private skipString(): void {
    const b = this.b;
    let p = this.p;
    for (;;) {
      const ch = b[p];
      if (ch === 0x22) break;
      if (ch === undefined || ch < 0x20) throw BAIL;
      if (ch === 0x5c) {
        const e = b[p + 1];
        if (e === 0x75) {
          for (let k = 2; k < 6; k++) if (!isHex(b[p + k])) throw BAIL;
          p += 6;
        } else if (e === 0x22 || e === 0x5c || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) p += 2;
        else throw BAIL;
      } else p++;
    }
    this.p = p + 1;
  }

  private literal(word: string): void {
    const b = this.b;
    for (let k = 0; k < word.length; k++) if (b[this.p + k] !== word.charCodeAt(k)) throw BAIL;
    this.p += word.length;
  }
}

function isHex(c: number | undefined): boolean {
  return c !== undefined && ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66));
}

/** The text of `b[start..end)` (ASCII here): Node's `latin1Slice` where `b` is a Buffer, else char codes. */
function latin1(b: Uint8Array, start: number, end: number): string {
  const slice = (b as { latin1Slice?: (s: number, e: number) => string }).latin1Slice;
  if (slice !== undefined) return slice.call(b, start, end);
  return String.fromCharCode.apply(null, b.subarray(start, end) as unknown as number[]);
}
