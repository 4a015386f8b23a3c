import type { DetectionResult, LvisDataset } from '../coco/types.js';
import { columnsFromObjects, isResultColumns, type ResultColumns } from '../coco/resultColumns.js';
import { BalmsInputError } from '../util/errors.js';
import { accumulate, type Accumulated } from './accumulate.js';
import { boxPairIou, maskPairIou, type PairIou } from './computeIou.js';
import { evaluatePairs, type MatchResult } from './evaluateImage.js';
import type { EvalMode } from './gtTable.js';
import { makeParams, type EvalParams } from './params.js';
import { prepareEvaluation, type PreparedEval } from './prepare.js';

/** Ground truth as a parsed dataset, or anything that carries one (an index) in `dataset`. */
export type GroundTruth = LvisDataset | { dataset: LvisDataset };

export function datasetOf(gt: GroundTruth): LvisDataset {
  if (gt && typeof gt === 'object' && 'dataset' in gt && gt.dataset && typeof gt.dataset === 'object') return gt.dataset;
  return gt as LvisDataset;
}

export interface CoreResult {
  params: EvalParams;
  prepared: PreparedEval;
  match: MatchResult;
  acc: Accumulated;
  timings: { prepareMs: number; evaluateMs: number; accumulateMs: number };
}

/** What gets evaluated: the IoU type and the selection rules shared by the LVIS and COCO modes. */
export interface CoreOptions {
  /** `boundary`: masks, with IoU = min(mask IoU, boundary IoU) (Cheng et al. 2021). */
  iouType: IouType;
  maxDets: number[];
  segmAreaFromBbox: boolean | undefined;
  /** Boundary only: dilation = ratio × image diagonal (default 0.02). */
  dilationRatio?: number;
  /** LVIS only: Fixed AP's per-category top-K at load. */
  detsPerCategory?: number;
  imgIds?: number[];
  catIds?: number[];
  /** Runs the per-pair work elsewhere (threads); default: here, one pair after the other. */
  pairEvaluator?: PairEvaluator;
}

export type IouType = 'bbox' | 'segm' | 'boundary';

/** The IoU of each pair as evaluation computes it: boxes, masks, or min(mask, boundary) IoU. */
export function pairIouOf(prepared: PreparedEval, gt: LvisDataset, iouType: IouType, dilationRatio: number | undefined): PairIou {
  return iouType === 'bbox' ? boxPairIou(prepared) : maskPairIou(prepared, gt, dilationRatio);
}

/** What a pair evaluator is given: everything `evaluatePairs` needs. */
export interface PairJob {
  prepared: PreparedEval;
  gt: LvisDataset;
  params: EvalParams;
  iouType: IouType;
  /** Boundary only. */
  dilationRatio: number | undefined;
}

/**
 * Evaluates every pair of a job as `evaluatePairs` does, identically, somewhere else (e.g. worker
 * threads: src/eval/pairThreads.ts, Node only).
 */
export type PairEvaluator = (job: PairJob) => MatchResult;

/** The IoU types, for messages. */
export const IOU_TYPES: readonly IouType[] = ['bbox', 'segm', 'boundary'];

/** prepare → evaluate every pair → accumulate, in the given mode. */
/** Detections as parsed objects or as typed columns (`readResultColumns`). */
export type Detections = DetectionResult[] | ResultColumns;

/** The detections as columns (objects are converted; their malformed fields raise errors later, as before). */
export function detectionColumns(results: Detections): ResultColumns {
  if (isResultColumns(results)) return results;
  if (!Array.isArray(results)) throw new BalmsInputError('results must be a list');
  return columnsFromObjects(results);
}

export function runCore(gtIn: GroundTruth, results: Detections, mode: EvalMode, opts: CoreOptions): CoreResult {
  const { iouType, maxDets } = opts;
  if (!IOU_TYPES.includes(iouType)) throw new BalmsInputError(`iouType must be 'bbox', 'segm' or 'boundary', got ${JSON.stringify(iouType)}`);
  if (opts.dilationRatio !== undefined && (iouType !== 'boundary' || !(opts.dilationRatio > 0))) {
    throw new BalmsInputError(iouType !== 'boundary' ? 'dilationRatio applies to the boundary IoU type only' : `dilationRatio must be > 0, got ${opts.dilationRatio}`);
  }
  const gt = datasetOf(gtIn);
  const t0 = performance.now();
  const cut = mode === 'lvis' ? maxDets[0] : maxDets[maxDets.length - 1];
  const maskType = iouType === 'bbox' ? 'bbox' : 'segm';
  const prepared = prepareEvaluation(gt, detectionColumns(results), {
    mode, iouType: maskType, maxDets: cut, segmAreaFromBbox: opts.segmAreaFromBbox,
    detsPerCategory: opts.detsPerCategory, imgIds: opts.imgIds, catIds: opts.catIds,
  });
  const imgIds = prepared.gt.imgIds.filter((_, i) => prepared.gt.imgEvaluated[i]);
  const params = makeParams(iouType, maxDets, imgIds, prepared.gt.catIds);
  const t1 = performance.now();
  const ratio = iouType === 'boundary' ? (opts.dilationRatio ?? 0.02) : undefined;
  const match = opts.pairEvaluator
    ? opts.pairEvaluator({ prepared, gt, params, iouType, dilationRatio: ratio })
    : evaluatePairs(prepared, params.iouThrs, params.areaRanges, pairIouOf(prepared, gt, iouType, ratio));
  const t2 = performance.now();
  const acc = accumulate(prepared, match, params.iouThrs.length, params.recThrs, params.areaRanges.length, mode === 'coco' ? maxDets : null);
  const t3 = performance.now();
  return { params, prepared, match, acc, timings: { prepareMs: t1 - t0, evaluateMs: t2 - t1, accumulateMs: t3 - t2 } };
}

/** Indices of the IoU thresholds equal to `v` (numpy `np.where(v == iou_thrs)`). */
export function thresholdIndex(thrs: Float64Array, v: number): number[] {
  const out: number[] = [];
  for (let t = 0; t < thrs.length; t++) if (thrs[t] === v) out.push(t);
  return out;
}
