/**
 * JSON segmentations → RLE, as pycocotools `frPyObjects` and lvis-api `LVIS.ann_to_rle` read
 * them: a list of polygons (rasterised one by one and united), an uncompressed RLE
 * (`counts` as a list) or a compressed RLE (`counts` as a string).
 */
import { BalmsInputError } from '../../util/errors.js';
import type { RleJson, Segmentation } from '../types.js';
import { merge } from './ops.js';
import { frPoly } from './polygon.js';
import type { Rle } from './rle.js';
import { rleFromString, rleToString } from './rleString.js';

/** Where a JSON value came from, for error messages (`annotations[812].segmentation`). */
export interface JsonWhere {
  file?: string;
  path?: string;
}

function fail(problem: string, where: JsonWhere | undefined, sub = ''): never {
  const path = where?.path !== undefined || sub ? `${where?.path ?? ''}${sub}` : undefined;
  throw new BalmsInputError(problem, { file: where?.file, path });
}

function rethrow(e: unknown, where: JsonWhere | undefined, sub: string): never {
  if (e instanceof BalmsInputError) fail(e.problem, where, sub);
  throw e;
}

const MAX_UINT32 = 4294967295;

/**
 * Reads a JSON RLE `{size: [h, w], counts}` (compressed string or uncompressed run list).
 * Throws `BalmsInputError` for a malformed size or counts, or runs that do not cover h*w pixels.
 */
export function rleFromJson(j: RleJson, where?: JsonWhere): Rle {
  if (j === null || typeof j !== 'object') fail('RLE must be an object {size, counts}', where);
  const size = (j as { size?: unknown }).size;
  if (
    !Array.isArray(size) ||
    size.length !== 2 ||
    !size.every((v) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= MAX_UINT32)
  ) {
    fail(`RLE size must be [height, width] of non-negative integers, got ${JSON.stringify(size)}`, where, '.size');
  }
  const h = size[0] as number;
  const w = size[1] as number;
  const counts = (j as { counts?: unknown }).counts;
  let rle: Rle;
  if (typeof counts === 'string') {
    try {
      rle = rleFromString(counts, h, w);
    } catch (e) {
      rethrow(e, where, '.counts');
    }
  } else if (Array.isArray(counts)) {
    const c = new Uint32Array(counts.length);
    for (let i = 0; i < counts.length; i++) {
      const v = counts[i] as unknown;
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > MAX_UINT32) {
        fail(`run length must be an integer in [0, 2^32), got ${JSON.stringify(v)}`, where, `.counts[${i}]`);
      }
      c[i] = v;
    }
    rle = { h, w, counts: c };
  } else {
    fail('RLE counts must be a string or a list of run lengths', where, '.counts');
  }
  let s = 0;
  for (let i = 0; i < rle.counts.length; i++) s += rle.counts[i]!;
  if (s !== h * w) fail(`RLE runs cover ${s} pixels but size ${h}×${w} has ${h * w}`, where, '.counts');
  return rle;
}

/** The compressed JSON form `{size: [h, w], counts: string}` (what pycocotools `encode` returns). */
export function rleToJson(r: Rle): RleJson {
  return { size: [r.h, r.w], counts: rleToString(r) };
}

/**
 * Converts an annotation's segmentation to one RLE exactly like lvis-api `ann_to_rle`:
 * polygons are rasterised at `h`×`w` and united (a single polygon is used as is); an RLE
 * keeps its own `size`. Like pycocotools, the first polygon must have more than 4 numbers
 * (later ones may be shorter, an odd trailing number is ignored). Throws `BalmsInputError`.
 */
export function segmentationToRle(seg: Segmentation, h: number, w: number, where?: JsonWhere): Rle {
  if (Array.isArray(seg)) {
    if (seg.length === 0) fail('segmentation is an empty polygon list', where);
    const rles: Rle[] = new Array(seg.length);
    for (let i = 0; i < seg.length; i++) {
      const poly = seg[i] as unknown;
      if (!Array.isArray(poly)) fail('polygon must be a list of numbers', where, `[${i}]`);
      if (i === 0 && poly.length <= 4) {
        fail(`first polygon has ${poly.length} numbers; at least 6 (3 points) are needed`, where, '[0]');
      }
      for (let c = 0; c < poly.length; c++) {
        if (typeof poly[c] !== 'number') fail(`polygon coordinate is not a number: ${JSON.stringify(poly[c])}`, where, `[${i}][${c}]`);
      }
      try {
        rles[i] = frPoly(poly as number[], h, w);
      } catch (e) {
        rethrow(e, where, `[${i}]`);
      }
    }
    return rles.length === 1 ? rles[0]! : merge(rles);
  }
  return rleFromJson(seg, where);
}
