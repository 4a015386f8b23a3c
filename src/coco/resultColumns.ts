import type { DetectionResult } from './types.js';

/** `boxKind` values: no `bbox` key; four numbers (in `box`); something else; an empty list (COCO's "no box"). */
export const BOX_NONE = 0;
export const BOX_OK = 1;
export const BOX_BAD = 2;
export const BOX_EMPTY = 3;

/**
 * `segKind` values: no `segmentation`; a compressed RLE string (`bytes[rleStart..rleEnd)`, size
 * `segH`×`segW`); another well-formed RLE `{size: [h, w], counts: [...]}` (kept in `objects`);
 * something else.
 */
export const SEG_NONE = 0;
export const SEG_STRING = 1;
export const SEG_OTHER = 2;
export const SEG_BAD = 3;

/**
 * A detection results list as typed columns, one entry per detection in file order: what the
 * evaluator reads, without a JavaScript object per detection. Made by `readResultColumns` straight
 * from a file's bytes, or by `columnsFromObjects` from parsed results.
 */
export interface ResultColumns {
  count: number;
  /** The JSON ids as numbers (NaN where the value is not a number: only from objects). */
  imageId: Float64Array;
  categoryId: Float64Array;
  /** NaN where not a number (only from objects). */
  score: Float64Array;
  boxKind: Uint8Array;
  /** `[x, y, w, h]` per detection where `boxKind` is BOX_OK. */
  box: Float64Array;
  segKind: Uint8Array;
  segH: Float64Array;
  segW: Float64Array;
  /** Byte offsets of each compressed RLE string in `bytes`. */
  rleStart: Float64Array;
  rleEnd: Float64Array;
  bytes: Uint8Array;
  /** Whether the strings in `bytes` are as written in JSON (a backslash as `\\`), else one byte per character. */
  jsonEscaped?: boolean;
  /** Where known (read from a file): each compressed RLE's pixel count, as `area` gives it. */
  segArea?: Float64Array;
  /** From objects: the records themselves (their messages, and segmentations that are not strings). */
  objects?: DetectionResult[];
}

/** Whether `v` is a `ResultColumns` (rather than a list of detection objects). */
export function isResultColumns(v: unknown): v is ResultColumns {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && (v as ResultColumns).imageId instanceof Float64Array;
}

/** Empty columns with room for `n` detections. */
export function allocateColumns(n: number, bytes: Uint8Array): ResultColumns {
  return {
    count: 0,
    imageId: new Float64Array(n),
    categoryId: new Float64Array(n),
    score: new Float64Array(n),
    boxKind: new Uint8Array(n),
    box: new Float64Array(4 * n),
    segKind: new Uint8Array(n),
    segH: new Float64Array(n),
    segW: new Float64Array(n),
    rleStart: new Float64Array(n),
    rleEnd: new Float64Array(n),
    bytes,
  };
}

/** The same columns with room for `n` detections (the first `c.count` copied). */
export function growColumns(c: ResultColumns, n: number): ResultColumns {
  const g = allocateColumns(n, c.bytes);
  g.count = c.count;
  g.imageId.set(c.imageId.subarray(0, c.count));
  g.categoryId.set(c.categoryId.subarray(0, c.count));
  g.score.set(c.score.subarray(0, c.count));
  g.boxKind.set(c.boxKind.subarray(0, c.count));
  g.box.set(c.box.subarray(0, 4 * c.count));
  g.segKind.set(c.segKind.subarray(0, c.count));
  g.segH.set(c.segH.subarray(0, c.count));
  g.segW.set(c.segW.subarray(0, c.count));
  g.rleStart.set(c.rleStart.subarray(0, c.count));
  g.rleEnd.set(c.rleEnd.subarray(0, c.count));
  g.jsonEscaped = c.jsonEscaped;
  if (c.segArea) {
    g.segArea = new Float64Array(n);
    g.segArea.set(c.segArea.subarray(0, c.count));
  }
  return g;
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : NaN;
}

/**
 * Columns of parsed results (any shape: what is malformed is marked, and the evaluator raises
 * the same errors as it would on the objects). Compressed RLE strings are copied into one byte
 * buffer (characters past 255, never valid, become 255).
 */
export function columnsFromObjects(results: DetectionResult[]): ResultColumns {
  const n = results.length;
  let chars = 0;
  for (let i = 0; i < n; i++) {
    const counts = (results[i]?.segmentation as { counts?: unknown } | undefined)?.counts;
    if (typeof counts === 'string') chars += counts.length;
  }
  const c = allocateColumns(n, new Uint8Array(chars));
  c.count = n;
  c.objects = results;
  let at = 0;
  for (let i = 0; i < n; i++) {
    const r = results[i] as DetectionResult | null | undefined;
    if (typeof r !== 'object' || r === null) {
      c.imageId[i] = c.categoryId[i] = c.score[i] = NaN;
      continue;
    }
    c.imageId[i] = num(r.image_id);
    c.categoryId[i] = num(r.category_id);
    c.score[i] = num(r.score);
    c.boxKind[i] = boxKindOf(r.bbox);
    if (c.boxKind[i] === BOX_OK) c.box.set(r.bbox as number[], 4 * i);
    const s = r.segmentation as { size?: unknown; counts?: unknown } | undefined;
    let kind = SEG_NONE;
    if (s !== undefined) {
      kind = SEG_BAD;
      if (typeof s === 'object' && s !== null && !Array.isArray(s) && Array.isArray(s.size) && s.size.length === 2) {
        if (typeof s.counts === 'string') kind = SEG_STRING;
        else if (Array.isArray(s.counts)) kind = SEG_OTHER;
      }
    }
    c.segKind[i] = kind;
    if (kind === SEG_STRING) {
      const size = s!.size as unknown[];
      c.segH[i] = num(size[0]);
      c.segW[i] = num(size[1]);
      const str = s!.counts as string;
      c.rleStart[i] = at;
      for (let k = 0; k < str.length; k++) {
        const ch = str.charCodeAt(k);
        c.bytes[at++] = ch > 255 ? 255 : ch;
      }
      c.rleEnd[i] = at;
    }
  }
  return c;
}

function boxKindOf(b: unknown): number {
  if (b === undefined) return BOX_NONE;
  if (!Array.isArray(b)) return BOX_BAD;
  if (b.length === 0) return BOX_EMPTY;
  if (b.length !== 4 || typeof b[0] !== 'number' || typeof b[1] !== 'number' || typeof b[2] !== 'number' || typeof b[3] !== 'number') return BOX_BAD;
  return BOX_OK;
}
