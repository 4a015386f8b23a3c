import type { Frequency } from '../coco/types.js';
import type { ResultColumns } from '../coco/resultColumns.js';
import { BalmsInputError } from '../util/errors.js';
import type { NdArray } from './accumulate.js';
import type { EvalParams } from './params.js';
import { pooledAp } from './pooled.js';
import { datasetOf, detectionColumns, runCore, thresholdIndex, type Detections, type GroundTruth, type IouType, type PairEvaluator } from './runCore.js';
import { perCategoryMeans, summarizePrecisionMany, summarizeSelection } from './summarize.js';

export interface LvisEvalOptions {
  /** `boundary`: masks matched by min(mask IoU, boundary IoU) (Cheng et al. 2021's Boundary AP). */
  iouType: IouType;
  /**
   * Per-image cap on detections, applied when loading (lvis-api `max_dets`); default 300, or none
   * (−1) with `detsPerCategory`; negative: none.
   */
  maxDets?: number;
  /**
   * Fixed AP (Dave et al. 2021): keep the top K detections of each category over the whole results
   * list (stable by score, so ties at the K-th keep file order) instead of a per-image cap, which
   * must then be off. The paper's K is 10,000.
   */
  detsPerCategory?: number;
  /** Boundary only: dilation = ratio × image diagonal, rounded (default 0.02, the boundary-iou-api's). */
  dilationRatio?: number;
  /** Also compute Pooled AP (Dave et al. 2021) for the pools all, r, c, f. */
  pooled?: boolean;
  /** Evaluate only these images (lvis-api `params.img_ids`), after the load caps. */
  imgIds?: number[];
  /** Evaluate only these categories (lvis-api `params.cat_ids`), after the load caps. */
  catIds?: number[];
  /**
   * Segm only. Default (undefined): lvis-api's behaviour — when the first result has a `bbox`,
   * every detection's area (for small/medium/large) is its box area `w*h`. `false`: the mask's
   * pixel count, as detectron2 gets by deleting `bbox` first. `true`: always the box area.
   */
  segmAreaFromBbox?: boolean;
  /** Where the per-pair work runs (`pairThreads(n)` from src/eval/pairThreads.ts: n threads); default here. */
  pairEvaluator?: PairEvaluator;
}

/** lvis-api's summary, same keys; −1 where lvis-api gives −1. The AR keys carry the cap (`AR@300`). */
export interface LvisStats {
  AP: number;
  AP50: number;
  AP75: number;
  APs: number;
  APm: number;
  APl: number;
  APr: number;
  APc: number;
  APf: number;
  [ar: `AR${'' | 's' | 'm' | 'l'}@${string}`]: number;
}

export interface CategoryEval {
  id: number;
  name: string;
  frequency: Frequency | undefined;
  /** Mean of precision[:, :, k, all] over defined entries; −1 if undefined. */
  AP: number;
  AP50: number;
  AP75: number;
  /** Mean of recall[:, k, all] over defined entries; −1 if undefined. */
  AR: number;
  /** Non-ignored GT at area "all" (after the area > 0 filter). */
  numGt: number;
  /** Detections evaluated (after the cap, federated and area filters). */
  numDt: number;
}

/** Pooled AP per pool: `AP-pooled-all`, `-r`, `-c`, `-f` (the paper's keys); −1 where undefined. */
export type PooledStats = Record<'AP-pooled-all' | 'AP-pooled-r' | 'AP-pooled-c' | 'AP-pooled-f', number>;

export interface LvisEvalResult {
  stats: LvisStats;
  /** With `pooled`. */
  pooled?: PooledStats;
  /**
   * With `detsPerCategory`: the evaluated categories with fewer than K detections in the results
   * (the paper's check: a per-image cap upstream starves Fixed AP), by id.
   */
  categoriesBelowK?: number[];
  /** `[T=10, R=101, K, A=4]`, row-major, −1 where undefined. */
  precision: NdArray;
  /** `[T=10, K, A=4]`, row-major, −1 where undefined. */
  recall: NdArray;
  perCategory: CategoryEval[];
  params: EvalParams;
  timings: { prepareMs: number; evaluateMs: number; accumulateMs: number };
}

const FREQS: Frequency[] = ['r', 'c', 'f'];

/**
 * LVIS evaluation with lvis-api's exact semantics (`LVISResults` + `LVISEval.run()`): per-image
 * top-`maxDets` cap, area > 0 filter, federated drop of detections in categories neither present
 * nor verified negative, not-exhaustive false positives ignored, greedy matching, 101-point
 * interpolated AP; APr/APc/APf from each category's `frequency`.
 */
export function evaluateLvis(gt: GroundTruth, detections: Detections, opts: LvisEvalOptions): LvisEvalResult {
  const K = opts.detsPerCategory;
  if (K !== undefined) {
    if (!Number.isSafeInteger(K) || K < 1) throw new BalmsInputError(`detsPerCategory must be a positive integer, got ${K}`);
    if (opts.maxDets !== undefined && opts.maxDets >= 0) throw new BalmsInputError('detsPerCategory (Fixed AP) takes no per-image cap: leave maxDets unset or negative');
  }
  const maxDets = opts.maxDets ?? (K !== undefined ? -1 : 300);
  const results = detectionColumns(detections);
  const ds = datasetOf(gt);
  const core = runCore(gt, results, 'lvis', {
    iouType: opts.iouType, maxDets: [maxDets], segmAreaFromBbox: opts.segmAreaFromBbox, dilationRatio: opts.dilationRatio,
    detsPerCategory: K, imgIds: opts.imgIds, catIds: opts.catIds, pairEvaluator: opts.pairEvaluator,
  });
  const { params, acc } = core;

  // Frequency groups in sorted-category order (lvis-api raises on a missing or unknown value).
  const catById = new Map(ds.categories.map((c, i) => [c.id, { c, i }] as const));
  const groups: number[][] = [[], [], []];
  params.catIds.forEach((id, k) => {
    const { c, i } = catById.get(id)!;
    const g = FREQS.indexOf(c.frequency as Frequency);
    if (g < 0) throw new BalmsInputError(`frequency must be 'r', 'c' or 'f', got ${JSON.stringify(c.frequency)}`, { path: `categories[${i}].frequency` });
    groups[g].push(k);
  });

  const P = acc.precision, Rc = acc.recall;
  const scratch = new Float64Array(Rc.data.length);
  const ar = (a: number) => summarizeSelection(Rc, false, { a }, scratch);
  const label = maxDets >= 0 ? String(maxDets) : 'all';
  const [AP, AP50, AP75, APs, APm, APl, APr, APc, APf] = summarizePrecisionMany(P, [
    { a: 0 },
    { a: 0, t: thresholdIndex(params.iouThrs, 0.5) },
    { a: 0, t: thresholdIndex(params.iouThrs, 0.75) },
    { a: 1 },
    { a: 2 },
    { a: 3 },
    { a: 0, k: groups[0] },
    { a: 0, k: groups[1] },
    { a: 0, k: groups[2] },
  ]);
  const stats: LvisStats = { AP, AP50, AP75, APs, APm, APl, APr, APc, APf };
  stats[`AR@${label}`] = ar(0);
  stats[`ARs@${label}`] = ar(1);
  stats[`ARm@${label}`] = ar(2);
  stats[`ARl@${label}`] = ar(3);

  const A = params.areaRanges.length;
  const apK = perCategoryMeans(P, true, 0, 0);
  const ap50K = perCategoryMeans(P, true, 0, 0, thresholdIndex(params.iouThrs, 0.5));
  const ap75K = perCategoryMeans(P, true, 0, 0, thresholdIndex(params.iouThrs, 0.75));
  const arK = perCategoryMeans(Rc, false, 0, 0);
  const perCategory: CategoryEval[] = params.catIds.map((id, k) => {
    const c = catById.get(id)!.c;
    return {
      id,
      name: c.name,
      frequency: c.frequency,
      AP: apK[k],
      AP50: ap50K[k],
      AP75: ap75K[k],
      AR: arK[k],
      numGt: core.match.numGt[k * A],
      numDt: core.prepared.catDtStart[k + 1] - core.prepared.catDtStart[k],
    };
  });
  const out: LvisEvalResult = { stats, precision: P, recall: Rc, perCategory, params, timings: core.timings };
  if (opts.pooled) {
    const all = params.catIds.map((_, k) => k);
    const [a, r, c, f] = pooledAp(core.prepared, core.match, params.iouThrs.length, params.recThrs, A, [all, ...groups]);
    out.pooled = { 'AP-pooled-all': a, 'AP-pooled-r': r, 'AP-pooled-c': c, 'AP-pooled-f': f };
  }
  if (K !== undefined) out.categoriesBelowK = categoriesBelow(results, params.catIds, K);
  return out;
}

/** The ids in `catIds` with fewer than `k` results. */
function categoriesBelow(results: ResultColumns, catIds: number[], k: number): number[] {
  const count = new Map<number, number>();
  for (let i = 0; i < results.count; i++) count.set(results.categoryId[i], (count.get(results.categoryId[i]) ?? 0) + 1);
  return catIds.filter((id) => (count.get(id) ?? 0) < k);
}
