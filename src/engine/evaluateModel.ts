/** Runs a detector over a val set and evaluates boxes and masks with the LVIS evaluator. */
import type { DetectionResult, LvisDataset } from '../coco/index.js';
import type { DetectionDataset, ExampleTransform } from '../data/index.js';
import { evaluateLvis, type CategoryEval, type LvisStats } from '../eval/index.js';
import type { DetectorModel } from '../modeling/index.js';
import { predictDataset, restrictGroundTruth, type DatasetPredictions } from './inference.js';

export interface ModelEvaluation {
  bbox: LvisStats;
  segm: LvisStats | null;
  perCategory: { bbox: CategoryEval[]; segm: CategoryEval[] | null };
  results: DetectionResult[];
  predictions: DatasetPredictions;
  imagesEvaluated: number;
  seconds: { predict: number; evaluate: number };
}

export async function evaluateDetector(
  detector: DetectorModel,
  val: DetectionDataset,
  opts: {
    transform: ExampleTransform;
    maxImages?: number;
    keepPredictions?: number;
    onProgress?: (done: number, total: number) => void;
    /** Category id per contiguous class of the detector (see `PredictOptions.categoryIds`). */
    categoryIds?: readonly number[];
  },
): Promise<ModelEvaluation> {
  const predictions = await predictDataset(detector, val, { transform: opts.transform, maxImages: opts.maxImages, keepPredictions: opts.keepPredictions, onProgress: opts.onProgress, categoryIds: opts.categoryIds });
  const gt: LvisDataset = restrictGroundTruth(val.dataset, predictions.imageIds);
  const t0 = performance.now();
  const { results } = predictions;
  const hasMasks = results.some((r) => r.segmentation);
  // An empty results list is an error for lvis-api; a model that detects nothing scores 0.
  const bbox = results.length ? evaluateLvis(gt, results, { iouType: 'bbox' }) : null;
  // Mask evaluation as detectron2 does it: the detection area is the mask's own pixel count.
  const segm = results.length && hasMasks ? evaluateLvis(gt, results, { iouType: 'segm', segmAreaFromBbox: false }) : null;
  return {
    bbox: bbox?.stats ?? zeroStats(),
    segm: hasMasks || !results.length ? (segm?.stats ?? zeroStats()) : null,
    perCategory: { bbox: bbox?.perCategory ?? [], segm: segm?.perCategory ?? null },
    results,
    predictions,
    imagesEvaluated: predictions.imageIds.length,
    seconds: { predict: predictions.seconds, evaluate: (performance.now() - t0) / 1000 },
  };
}

function zeroStats(): LvisStats {
  const s = { AP: 0, AP50: 0, AP75: 0, APs: 0, APm: 0, APl: 0, APr: 0, APc: 0, APf: 0 } as LvisStats;
  for (const k of ['AR@300', 'ARs@300', 'ARm@300', 'ARl@300'] as const) s[k] = 0;
  return s;
}
