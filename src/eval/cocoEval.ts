import { BalmsInputError } from '../util/errors.js';
import type { NdArray } from './accumulate.js';
import type { EvalParams } from './params.js';
import { datasetOf, runCore, thresholdIndex, type Detections, type GroundTruth, type IouType, type PairEvaluator } from './runCore.js';
import { perCategoryMeans, summarizeSelection } from './summarize.js';

export interface CocoEvalOptions {
  /** `boundary`: masks matched by min(mask IoU, boundary IoU), mask IoU alone against crowd GT. */
  iouType: IouType;
  /** Boundary only: dilation ratio (default 0.02). */
  dilationRatio?: number;
  /** Evaluate only these images (COCOeval `params.imgIds`). */
  imgIds?: number[];
  /** Evaluate only these categories (COCOeval `params.catIds`). */
  catIds?: number[];
  /** COCOeval `maxDets`, three increasing values; default `[1, 10, 100]`. */
  maxDets?: [number, number, number];
  /** Segm only: as in {@link LvisEvalOptions}; default = pycocotools `loadRes` (box area when the first result has a bbox). */
  segmAreaFromBbox?: boolean;
  /** Where the per-pair work runs (`pairThreads(n)` from src/eval/pairThreads.ts: n threads); default here. */
  pairEvaluator?: PairEvaluator;
}

/** COCOeval's 12 summary numbers (`stats[0..11]`), named. */
export interface CocoStats {
  AP: number;
  AP50: number;
  AP75: number;
  APs: number;
  APm: number;
  APl: number;
  [ar: `AR${'' | 's' | 'm' | 'l'}@${number}`]: number;
}

export interface CocoCategoryEval {
  id: number;
  name: string;
  /** Mean of precision[:, :, k, all, last maxDets] over defined entries; −1 if undefined. */
  AP: number;
  numGt: number;
  numDt: number;
}

export interface CocoEvalResult {
  stats: CocoStats;
  /** The 12 numbers in COCOeval's `stats` order. */
  statsArray: number[];
  /** `[T, R, K, A, M]`, −1 where undefined. */
  precision: NdArray;
  /** `[T, K, A, M]`, −1 where undefined. */
  recall: NdArray;
  perCategory: CocoCategoryEval[];
  params: EvalParams;
  timings: { prepareMs: number; evaluateMs: number; accumulateMs: number };
}

/**
 * COCO evaluation with pycocotools COCOeval semantics (`loadRes` + `evaluate/accumulate/summarize`):
 * no federated rules, no area > 0 filter, iscrowd GT ignored and matchable many times with IoU
 * against the detection's own area, top-`maxDets` per (image, category).
 */
export function evaluateCoco(gt: GroundTruth, results: Detections, opts: CocoEvalOptions): CocoEvalResult {
  const maxDets = [...(opts.maxDets ?? [1, 10, 100])].sort((a, b) => a - b);
  if (maxDets.length !== 3 || !maxDets.every((m) => Number.isInteger(m) && m > 0)) {
    throw new BalmsInputError('maxDets must be three positive integers');
  }
  const ds = datasetOf(gt);
  const core = runCore(gt, results, 'coco', {
    iouType: opts.iouType, maxDets, segmAreaFromBbox: opts.segmAreaFromBbox, dilationRatio: opts.dilationRatio, imgIds: opts.imgIds, catIds: opts.catIds,
    pairEvaluator: opts.pairEvaluator,
  });
  const { params, acc } = core;
  const P = acc.precision, Rc = acc.recall;
  const scratch = new Float64Array(P.data.length / (params.areaRanges.length * maxDets.length));
  const M = maxDets.length;
  const ap = (a: number, t?: number[], k?: number[]) => summarizeSelection(P, true, { a, t, k, m: M - 1 }, scratch);
  const ar = (a: number, m: number) => summarizeSelection(Rc, false, { a, m }, scratch);
  const [m0, m1, m2] = maxDets;
  const statsArray = [
    ap(0), ap(0, thresholdIndex(params.iouThrs, 0.5)), ap(0, thresholdIndex(params.iouThrs, 0.75)),
    ap(1), ap(2), ap(3),
    ar(0, 0), ar(0, 1), ar(0, 2), ar(1, 2), ar(2, 2), ar(3, 2),
  ];
  const stats: CocoStats = { AP: statsArray[0], AP50: statsArray[1], AP75: statsArray[2], APs: statsArray[3], APm: statsArray[4], APl: statsArray[5] };
  stats[`AR@${m0}`] = statsArray[6];
  stats[`AR@${m1}`] = statsArray[7];
  stats[`AR@${m2}`] = statsArray[8];
  stats[`ARs@${m2}`] = statsArray[9];
  stats[`ARm@${m2}`] = statsArray[10];
  stats[`ARl@${m2}`] = statsArray[11];
  const names = new Map(ds.categories.map((c) => [c.id, c.name] as const));
  const A = params.areaRanges.length;
  const apK = perCategoryMeans(P, true, 0, M - 1);
  const perCategory = params.catIds.map((id, k) => ({
    id,
    name: names.get(id) ?? '',
    AP: apK[k],
    numGt: core.match.numGt[k * A],
    numDt: core.prepared.catDtStart[k + 1] - core.prepared.catDtStart[k],
  }));
  return { stats, statsArray, precision: P, recall: Rc, perCategory, params, timings: core.timings };
}
