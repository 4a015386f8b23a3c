/** Runs a detector over a val set and evaluates boxes and masks with the LVIS evaluator (the one model evaluation). */
import type { DetectionResult, LvisDataset } from '../coco/index.js';
import type { DetectionDataset, ExampleTransform } from '../data/index.js';
import { evaluateLvis, segmAreaFromBbox, type CategoryEval, type LvisStats } from '../eval/index.js';
import type { DetectorModel } from '../modeling/index.js';
import type { TrainConfig } from './config/trainConfig.js';
import { predictDataset, predictionOptionsOf, restrictGroundTruth, type DatasetPredictions } from './inference.js';

export interface ModelEvaluation {
  bbox: LvisStats;
  segm: LvisStats | null;
  perCategory: { bbox: CategoryEval[]; segm: CategoryEval[] | null };
  results: DetectionResult[];
  predictions: DatasetPredictions;
  imagesEvaluated: number;
  seconds: { predict: number; evaluate: number };
}

/**
 * Evaluates a detector on a dataset: `predictDataset`, then `evaluateModelResults` on the ground truth
 * of the images predicted. The one "evaluate a model" of balms (the training-time evaluation, compare).
 */
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
  const t0 = performance.now();
  const ev = evaluateModelResults(restrictGroundTruth(val.dataset, predictions.imageIds), predictions.results);
  return { ...ev, results: predictions.results, predictions, imagesEvaluated: predictions.imageIds.length, seconds: { predict: predictions.seconds, evaluate: (performance.now() - t0) / 1000 } };
}

/** How a training config evaluates its model: the test transform, `eval.maxImages`, the training categories' ids. */
export function evaluationOptionsOf(cfg: TrainConfig, categories: readonly { id: number }[]): { transform: ExampleTransform; maxImages: number; categoryIds: number[] } {
  return { ...predictionOptionsOf(cfg, categories), maxImages: cfg.eval.maxImages };
}

/**
 * A model's detections scored with lvis-api's semantics: bbox, and segm when the model gives masks,
 * with the model area convention (`segmAreaFromBbox(…, 'model')`: the mask's pixel count, as
 * detectron2's LVISEvaluator). An empty list scores 0 (lvis-api would refuse it).
 */
export function evaluateModelResults(gt: LvisDataset, results: DetectionResult[]): Pick<ModelEvaluation, 'bbox' | 'segm' | 'perCategory'> {
  const hasMasks = results.some((r) => r.segmentation);
  const bbox = results.length ? evaluateLvis(gt, results, { iouType: 'bbox' }) : null;
  const segm = results.length && hasMasks ? evaluateLvis(gt, results, { iouType: 'segm', segmAreaFromBbox: segmAreaFromBbox('segm', 'model') }) : null;
  return {
    bbox: bbox?.stats ?? zeroStats(),
    segm: hasMasks || !results.length ? (segm?.stats ?? zeroStats()) : null,
    perCategory: { bbox: bbox?.perCategory ?? [], segm: segm?.perCategory ?? null },
  };
}

function zeroStats(): LvisStats {
  const s = { AP: 0, AP50: 0, AP75: 0, APs: 0, APm: 0, APl: 0, APr: 0, APc: 0, APf: 0 } as LvisStats;
  for (const k of ['AR@300', 'ARs@300', 'ARm@300', 'ARl@300'] as const) s[k] = 0;
  return s;
}
