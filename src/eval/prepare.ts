import type { DetectionResult, LvisDataset, RleJson } from '../coco/types.js';
import { BOX_EMPTY, BOX_NONE, BOX_OK, SEG_NONE, SEG_OTHER, SEG_STRING, type ResultColumns } from '../coco/resultColumns.js';
import { BalmsInputError } from '../util/errors.js';
import { buildGtTable, type EvalMode, type GtTable } from './gtTable.js';
import { countingSortBy, stableSortByKeyDesc } from './indexSort.js';
import { IdLookup } from './idLookup.js';
import { applyLoadCaps } from './loadCaps.js';
import { radixSortByKeyDesc } from './radixSort.js';
import { annotationRle, detectionRle, detectionRleBytes, rleArea, rleBbox, rleBytesArea, type Rle } from './maskOps.js';
import { HAS_GT, NEGATIVE, NOT_EXHAUSTIVE } from './pairFlags.js';

export interface PrepareOptions {
  mode: EvalMode;
  iouType: 'bbox' | 'segm';
  /** LVIS: per-image cap at load (negative: none). COCO: per (image, category) cut (the largest maxDet). */
  maxDets: number;
  /** LVIS only: Fixed AP's per-category top-K over the whole results list, applied at load (with `maxDets` < 0). */
  detsPerCategory?: number;
  /** Evaluate only these images (after the load caps, as lvis-api's `params.img_ids`); default all. */
  imgIds?: number[];
  /** Evaluate only these categories (as lvis-api's `params.cat_ids`); default all. */
  catIds?: number[];
  /**
   * Segm only: where a detection's area (for the area ranges) comes from. `undefined`: lvis-api /
   * pycocotools `loadRes` — box area `w*h` when the first result has a `bbox`, else the mask's pixel
   * count. `false`: always the pixel count (detectron2 deletes `bbox` before segm evaluation).
   * `true`: always the box area.
   */
  segmAreaFromBbox?: boolean;
}

/**
 * Everything evaluation needs, in typed arrays. Pairs are the (image, category) cells that have
 * GT or detections, sorted by image index then category index; GT and detections are stored
 * pair by pair (detections by score descending, ties in results-file order).
 */
export interface PreparedEval {
  gt: GtTable;
  numPairs: number;
  pairImg: Int32Array;
  pairCat: Int32Array;
  /** GT of pair q: `[pairGtStart[q], pairGtStart[q+1])` in the GT table. */
  pairGtStart: Uint32Array;
  /** Detections of pair q: `[pairDtStart[q], pairDtStart[q+1])`. */
  pairDtStart: Uint32Array;
  numDt: number;
  dtResult: Uint32Array;
  dtScore: Float64Array;
  dtArea: Float64Array;
  dtBox: Float64Array;
  dtNotExhaustive: Uint8Array;
  /** Position of the detection within its pair (0 = highest score). */
  dtRank: Uint32Array;
  /** Segm only: the decoded mask of each detection, where preparing needed it (else decoded on use). */
  dtRle: (Rle | undefined)[];
  /** The results the detections index into (`dtResult`). */
  results: ResultColumns;
  /** Per category k: `catDt[catDtStart[k] .. catDtStart[k+1])` = its detections by score desc, image, file order. */
  catDtStart: Uint32Array;
  catDt: Uint32Array;
  /** Whether category k has at least one pair (lvis-api / COCOeval leave −1 otherwise). */
  catHasPair: Uint8Array;
}

function checkResult(r: DetectionResult, i: number, gt: GtTable): number {
  if (!r || typeof r !== 'object') throw new BalmsInputError('must be an object', { path: `results[${i}]` });
  const img = gt.imgIndex.get(r.image_id);
  if (img === undefined) {
    throw new BalmsInputError(`image_id ${JSON.stringify(r.image_id)} is not an image of the ground truth`, { path: `results[${i}].image_id` });
  }
  if (typeof r.score !== 'number' || Number.isNaN(r.score)) throw new BalmsInputError('score must be a number', { path: `results[${i}].score` });
  return img;
}

/** The error `checkResult` raises for result i, whose image is unknown or whose score is not a number. */
function resultError(c: ResultColumns, i: number, gt: GtTable): BalmsInputError {
  if (c.objects) checkResult(c.objects[i], i, gt);
  if (!gt.imgIndex.has(c.imageId[i])) {
    return new BalmsInputError(`image_id ${c.imageId[i]} is not an image of the ground truth`, { path: `results[${i}].image_id` });
  }
  return new BalmsInputError('score must be a number', { path: `results[${i}].score` });
}

function checkBox(c: ResultColumns, i: number): void {
  if (c.boxKind[i] !== BOX_OK) throw new BalmsInputError('bbox must be [x, y, width, height]', { path: `results[${i}].bbox` });
}

function checkRle(c: ResultColumns, i: number): void {
  if (c.segKind[i] !== SEG_STRING && c.segKind[i] !== SEG_OTHER) {
    throw new BalmsInputError('segmentation must be an RLE {size: [h, w], counts}', { path: `results[${i}].segmentation` });
  }
}

/** Whether result i has a `bbox` key (lvis-api's loading branch reads the first result's keys). */
function hasBoxKey(c: ResultColumns, i: number): boolean {
  const r = c.objects?.[i];
  return r ? 'bbox' in r : c.boxKind[i] !== BOX_NONE;
}

/**
 * Applies the loading rules of lvis-api (`LVISResults` + `LVISEval._prepare`) or pycocotools
 * (`loadRes` + `COCOeval._prepare`) and lays the survivors out for evaluation.
 */
export function prepareEvaluation(gtData: LvisDataset, results: ResultColumns, opts: PrepareOptions): PreparedEval {
  const { mode, iouType } = opts;
  const gt = buildGtTable(gtData, mode, iouType === 'bbox', { imgIds: opts.imgIds, catIds: opts.catIds });
  const N = gt.imgIds.length;
  const K = gt.catIds.length;
  const R = results.count;

  // 1. Image of every result; the load caps (LVIS per-image top-N, or Fixed AP's per-category top-K).
  // (Each pass is its own small function: the JIT optimizes each once, where one large function
  // would be recompiled — and deoptimized — loop after loop on a cold first call.)
  const resImg = new Int32Array(R);
  const resScore = new Float64Array(R);
  const perImg = new Uint32Array(N);
  readImagesAndScores(results, gt, resImg, resScore, perImg);
  const keep = new Uint8Array(R).fill(1);
  const perCategory = mode === 'lvis' ? opts.detsPerCategory : undefined;
  const categoryIds = perCategory === undefined ? [] : results.objects ? results.objects.map((r) => r.category_id) : results.categoryId;
  const first = applyLoadCaps(resImg, resScore, categoryIds, N, mode === 'lvis' ? opts.maxDets : -1, perCategory, keep);

  // 2. The loading branch: box (area w*h, box polygon when no mask) or mask (pixel area, toBbox).
  const boxBranch = R > 0 && hasBoxKey(results, first) && !(mode === 'coco' && results.boxKind[first] === BOX_EMPTY);
  const areaFromBox = iouType === 'segm' && opts.segmAreaFromBbox !== undefined ? opts.segmAreaFromBbox : boxBranch;
  // Masks are decoded here only for box IoU when the area or the box comes from them; a segm
  // area is read off the compressed string without keeping the mask, and segm IoU decodes the masks
  // pair by pair while matching (and only where the pair has GT).
  const needMask = iouType === 'bbox' && (!areaFromBox || !boxBranch);
  const checkMask = needMask || !areaFromBox || iouType === 'segm';

  // 3. Category known; LVIS federated filter (GT present or verified negative).
  const cand = new Uint32Array(R);
  const resCat = new Int32Array(R);
  const nc = selectCandidates(results, gt, mode, keep, resImg, boxBranch, areaFromBox, checkMask, cand, resCat);

  // 4. Areas (+ masks, + boxes from masks); LVIS drops area <= 0. COCO computes them after the cut.
  const resArea = new Float64Array(R);
  const resRle: Rle[] = needMask ? new Array<Rle>(R) : [];
  const cbox = results.box;
  // Box IoU without masks (the box branch) reads the results' boxes as they are.
  const resBox = iouType !== 'bbox' ? new Float64Array(0) : needMask ? new Float64Array(4 * R) : cbox;
  const fill = (i: number): void => {
    if (needMask) resRle[i] = resultRle(results, i, gt.imgHeight[resImg[i]], gt.imgWidth[resImg[i]]);
    const h = gt.imgHeight[resImg[i]], w = gt.imgWidth[resImg[i]];
    resArea[i] = areaFromBox ? cbox[4 * i + 2] * cbox[4 * i + 3] : needMask ? rleArea(resRle[i]) : resultArea(results, i, h, w);
    if (iouType === 'bbox' && needMask) {
      const src = results.boxKind[i] !== BOX_NONE || boxBranch ? cbox : rleBbox(resRle[i]);
      const o = results.boxKind[i] !== BOX_NONE || boxBranch ? 4 * i : 0;
      for (let j = 0; j < 4; j++) resBox[4 * i + j] = src[o + j];
    }
  };
  let list = cand.subarray(0, nc);
  if (mode === 'lvis') {
    if (!needMask && areaFromBox) {
      boxAreas(results, list, resArea);
    } else {
      for (let j = 0; j < nc; j++) fill(list[j]);
    }
    let m = 0;
    for (let j = 0; j < nc; j++) {
      const i = list[j];
      if (resArea[i] > 0 && resArea[i] < Infinity) list[m++] = i;
    }
    list = list.subarray(0, m);
  }

  // 5. Orders. (image, file) → (score desc, image, file) → by category = accumulate order;
  //    score order → by category → by image = pair order (score desc, file order within a pair).
  const byImg = countingSortBy(list, resImg, N);
  const byScore = byImg.length > 256 ? radixSortByKeyDesc(byImg, resScore) : stableSortByKeyDesc(byImg, resScore);
  let accOrder = countingSortBy(byScore, resCat, K);
  let pairOrder = countingSortBy(accOrder, resImg, N);

  // COCO: keep the top maxDets of each (image, category), then compute areas.
  const rank = new Uint32Array(R);
  rankInPairs(pairOrder, resImg, resCat, K, rank);
  if (mode === 'coco') {
    const cut = opts.maxDets;
    const inCut = (i: number): boolean => rank[i] < cut;
    pairOrder = pairOrder.filter(inCut);
    accOrder = accOrder.filter(inCut);
    for (let j = 0; j < pairOrder.length; j++) fill(pairOrder[j]);
  }

  // 6. Lay detections out in pair order.
  const D = pairOrder.length;
  const posOf = new Uint32Array(R);
  const p: PreparedEval = {
    gt,
    numPairs: 0,
    pairImg: new Int32Array(0),
    pairCat: new Int32Array(0),
    pairGtStart: new Uint32Array(0),
    pairDtStart: new Uint32Array(0),
    numDt: D,
    dtResult: pairOrder,
    dtScore: new Float64Array(D),
    dtArea: new Float64Array(D),
    dtBox: new Float64Array(iouType === 'bbox' ? 4 * D : 0),
    dtNotExhaustive: new Uint8Array(D),
    dtRank: new Uint32Array(D),
    dtRle: iouType === 'segm' ? new Array<Rle | undefined>(D) : [],
    results,
    catDtStart: new Uint32Array(K + 1),
    catDt: new Uint32Array(D),
    catHasPair: new Uint8Array(K),
  };
  layOutDetections(p, mode, iouType, resImg, resCat, resScore, resArea, rank, resBox, resRle, posOf);
  for (let j = 0; j < D; j++) {
    const i = accOrder[j];
    p.catDt[j] = posOf[i];
    p.catDtStart[resCat[i] + 1]++;
  }
  for (let k = 0; k < K; k++) p.catDtStart[k + 1] += p.catDtStart[k];

  // 7. Pairs: merge the pair-ordered GT and detections.
  mergePairs(p, resImg, resCat);
  return p;
}

function readImagesAndScores(c: ResultColumns, gt: GtTable, resImg: Int32Array, resScore: Float64Array, perImg: Uint32Array): void {
  const index = new IdLookup(gt.imgIndex);
  for (let i = 0; i < c.count; i++) {
    const img = index.get(c.imageId[i]);
    const score = c.score[i];
    if (img < 0 || score !== score) throw resultError(c, i, gt);
    resImg[i] = img;
    resScore[i] = score;
    perImg[img]++;
  }
}

/** Loading checks, known category, LVIS federated filter; returns the number of candidates. */
function selectCandidates(
  c: ResultColumns, gt: GtTable, mode: EvalMode, keep: Uint8Array, resImg: Int32Array,
  boxBranch: boolean, areaFromBox: boolean, checkMask: boolean, cand: Uint32Array, resCat: Int32Array,
): number {
  let nc = 0;
  const catIndex = new IdLookup(gt.catIndex);
  for (let i = 0; i < c.count; i++) {
    if (!keep[i]) continue;
    // lvis-api / loadRes read `bbox` of every result in the box branch and the mask in the other.
    if (boxBranch || areaFromBox || c.boxKind[i] !== BOX_NONE) checkBox(c, i);
    if (!boxBranch || (checkMask && c.segKind[i] !== SEG_NONE)) checkRle(c, i);
    const k = catIndex.get(c.categoryId[i]);
    if (k < 0 || !gt.imgEvaluated[resImg[i]]) continue;
    if (mode === 'lvis' && (gt.flags.get(resImg[i], k) & (HAS_GT | NEGATIVE)) === 0) continue;
    resCat[i] = k;
    cand[nc++] = i;
  }
  return nc;
}

/** Areas from boxes and no mask needed: each area is `w*h` of the result's bbox. */
function boxAreas(c: ResultColumns, list: Uint32Array, resArea: Float64Array): void {
  const box = c.box;
  for (let j = 0; j < list.length; j++) {
    const i = list[j];
    resArea[i] = box[4 * i + 2] * box[4 * i + 3];
  }
}

/** Position of each detection within its (image, category) pair, in pair order. */
function rankInPairs(pairOrder: Uint32Array, resImg: Int32Array, resCat: Int32Array, K: number, rank: Uint32Array): void {
  let prevKey = -1;
  let r = 0;
  for (let j = 0; j < pairOrder.length; j++) {
    const i = pairOrder[j];
    const key = resImg[i] * K + resCat[i];
    r = key === prevKey ? r + 1 : 0;
    prevKey = key;
    rank[i] = r;
  }
}

function layOutDetections(
  p: PreparedEval, mode: EvalMode, iouType: 'bbox' | 'segm', resImg: Int32Array, resCat: Int32Array,
  resScore: Float64Array, resArea: Float64Array, rank: Uint32Array, resBox: Float64Array, resRle: Rle[], posOf: Uint32Array,
): void {
  const pairOrder = p.dtResult;
  const flags = p.gt.flags;
  for (let j = 0; j < pairOrder.length; j++) {
    const i = pairOrder[j];
    posOf[i] = j;
    p.dtScore[j] = resScore[i];
    p.dtArea[j] = resArea[i];
    p.dtRank[j] = rank[i];
    if (mode === 'lvis' && flags.get(resImg[i], resCat[i]) & NOT_EXHAUSTIVE) p.dtNotExhaustive[j] = 1;
    if (iouType === 'bbox') {
      p.dtBox[4 * j] = resBox[4 * i];
      p.dtBox[4 * j + 1] = resBox[4 * i + 1];
      p.dtBox[4 * j + 2] = resBox[4 * i + 2];
      p.dtBox[4 * j + 3] = resBox[4 * i + 3];
    } else p.dtRle[j] = resRle[i];
  }
}

function mergePairs(p: PreparedEval, resImg: Int32Array, resCat: Int32Array): void {
  const gt = p.gt;
  const K = gt.catIds.length;
  const pairOrder = p.dtResult;
  const D = p.numDt;
  const G = gt.n;
  const maxPairs = G + D;
  const pairImg = new Int32Array(maxPairs);
  const pairCat = new Int32Array(maxPairs);
  const pairGtStart = new Uint32Array(maxPairs + 1);
  const pairDtStart = new Uint32Array(maxPairs + 1);
  let q = 0, g = 0, d = 0;
  while (g < G || d < D) {
    const kg = g < G ? gt.img[g] * K + gt.cat[g] : Infinity;
    const kd = d < D ? resImg[pairOrder[d]] * K + resCat[pairOrder[d]] : Infinity;
    const key = Math.min(kg, kd);
    const img = Math.floor(key / K);
    const cat = key - img * K;
    pairImg[q] = img;
    pairCat[q] = cat;
    pairGtStart[q] = g;
    pairDtStart[q] = d;
    while (g < G && gt.img[g] * K + gt.cat[g] === key) g++;
    while (d < D && resImg[pairOrder[d]] * K + resCat[pairOrder[d]] === key) d++;
    p.catHasPair[cat] = 1;
    q++;
  }
  pairGtStart[q] = g;
  pairDtStart[q] = d;
  p.numPairs = q;
  p.pairImg = pairImg.subarray(0, q);
  p.pairCat = pairCat.subarray(0, q);
  p.pairGtStart = pairGtStart.subarray(0, q + 1);
  p.pairDtStart = pairDtStart.subarray(0, q + 1);
}

/**
 * The mask of result i as lvis-api uses it: its compressed RLE as is, or — for a box-only result
 * (box branch) — the polygon `[x1,y1, x1,y2, x2,y2, x2,y1]` rasterized at the image size.
 */
export function resultRle(c: ResultColumns, i: number, h: number, w: number): Rle {
  const kind = c.segKind[i];
  if (kind === SEG_NONE) return boxPolygonRle(c.box, i, h, w);
  try {
    if (c.objects) return detectionRle(c.objects[i].segmentation as RleJson);
    return detectionRleBytes(c.bytes, c.rleStart[i], c.rleEnd[i], c.segH[i], c.segW[i], c.jsonEscaped === true);
  } catch (e) {
    if (e instanceof BalmsInputError) throw new BalmsInputError(e.problem, { path: `results[${i}].segmentation` });
    throw e;
  }
}

/** Result i's counts string where the results are objects (for messages), else undefined. */
export function countsText(c: ResultColumns, i: number): string | undefined {
  return (c.objects?.[i]?.segmentation as RleJson | undefined)?.counts as string | undefined;
}

/** The pixel count of result i's mask; a compressed string is read without keeping the mask. */
function resultArea(c: ResultColumns, i: number, h: number, w: number): number {
  if (c.segKind[i] !== SEG_STRING) return rleArea(resultRle(c, i, h, w));
  if (c.segArea) return c.segArea[i];
  try {
    return rleBytesArea(c.bytes, c.rleStart[i], c.rleEnd[i], false, countsText(c, i));
  } catch (e) {
    if (e instanceof BalmsInputError) throw new BalmsInputError(e.problem, { path: `results[${i}].segmentation` });
    throw e;
  }
}

function boxPolygonRle(box: Float64Array, i: number, h: number, w: number): Rle {
  const x1 = box[4 * i], y1 = box[4 * i + 1];
  const x2 = x1 + box[4 * i + 2];
  const y2 = y1 + box[4 * i + 3];
  return annotationRle([[x1, y1, x1, y2, x2, y2, x2, y1]], h, w);
}
