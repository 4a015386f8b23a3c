/**
 * One evaluation as `balms eval` runs it, from file contents instead of paths: parse and validate
 * the ground truth and the results (the CLI's checks and one-line messages), then evaluate with
 * lvis-api's (or COCOeval's) exact semantics. Pure JavaScript: runs in a page's Web Worker and in
 * Node alike.
 */
import { LvisIndex } from '../coco/lvisIndex.js';
import type { Frequency, LvisDataset } from '../coco/types.js';
import { columnsFromObjects, type ResultColumns } from '../coco/resultColumns.js';
import { scanResultColumns } from '../coco/scanResultColumns.js';
import { validateDataset } from '../coco/validateDataset.js';
import { validateResults } from '../coco/validateResults.js';
import { evaluateCoco, evaluateLvis, formatCocoStats, formatLvisStats, segmAreaFromBbox, type DetectionSource } from '../eval/index.js';
import { BalmsInputError, BalmsInternalError } from '../util/errors.js';

export interface EvalJob {
  gtText: string;
  /** Shown in messages, as the CLI shows the path. */
  gtName: string;
  /** The results file's text, or (`resultsBytes`) its bytes, read into columns without a string. */
  resultsText?: string;
  resultsBytes?: Uint8Array;
  resultsName: string;
  iouType: 'bbox' | 'segm';
  /** COCOeval semantics instead of lvis-api's. */
  coco?: boolean;
  /** LVIS per-image cap (default 300; negative: none). */
  maxDets?: number;
  /** segm: area ranges from each mask's pixel count (detectron2) instead of the box area. */
  segmMaskArea?: boolean;
  /** Where the detections come from (default a results file): a model's are scored by their mask area (src/eval/segmAreaConvention.ts). */
  source?: DetectionSource;
}

export interface EvalJobCategory {
  id: number;
  name: string;
  frequency: Frequency | undefined;
  AP: number;
  /** LVIS only (COCOeval's per-category means stop at AP). */
  AP50?: number;
  AP75?: number;
  AR?: number;
  numGt: number;
  numDt: number;
  /** Training images of the category in the ground truth's `image_count` (LVIS), if given. */
  imageCount: number | undefined;
}

export interface EvalJobResult {
  iouType: 'bbox' | 'segm';
  semantics: 'lvis-api' | 'COCOeval';
  stats: Record<string, number>;
  /** The CLI's printed table, line for line. */
  text: string;
  perCategory: EvalJobCategory[];
  counts: { images: number; categories: number; detections: number };
  /** The evaluator's arrays, row-major: LVIS `[T, R, K, A]` / `[T, K, A]`, COCO with a last `M` axis. */
  precision: { shape: number[]; data: Float64Array };
  recall: { shape: number[]; data: Float64Array };
  ms: { parse: number; evaluate: number };
}

export type EvalStage = 'parse ground truth' | 'parse results' | 'evaluate';

/** JSON text to a value; a syntax error becomes a one-line `BalmsInputError` naming the file. */
export function parseJsonText(text: string, file: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new BalmsInputError(`not valid JSON (${e instanceof Error ? e.message : String(e)})`, { file });
  }
}

/** Parses and validates a ground truth as `balms eval` does (`--coco`: COCO format). */
export function parseGroundTruth(text: string, file: string, coco = false): LvisDataset {
  return validateDataset(parseJsonText(text, file), file, { format: coco ? 'coco' : 'lvis' });
}

/**
 * Parses and validates a results list against the ground truth, as `balms eval` does: bytes are
 * scanned straight into columns; what the scanner leaves (any error, a rare form) is parsed and
 * validated as text, with the same messages.
 */
export function parseResults(input: string | Uint8Array, file: string, index: LvisIndex): ResultColumns {
  const opts = { allowUnknownCategories: true };
  if (typeof input !== 'string') {
    const cols = scanResultColumns(input, index, opts);
    if (cols) return cols;
    input = new TextDecoder().decode(input);
  }
  return columnsFromObjects(validateResults(parseJsonText(input, file), index, file, opts));
}

export function runEvalJob(job: EvalJob, onStage: (stage: EvalStage) => void = () => {}): EvalJobResult {
  const t0 = performance.now();
  onStage('parse ground truth');
  const gt = parseGroundTruth(job.gtText, job.gtName, job.coco);
  onStage('parse results');
  const input = job.resultsBytes ?? job.resultsText;
  if (input === undefined) throw new BalmsInternalError('runEvalJob: give resultsText or resultsBytes');
  const results = parseResults(input, job.resultsName, new LvisIndex(gt));
  const t1 = performance.now();
  onStage('evaluate');
  const segmArea = segmAreaFromBbox(job.iouType, job.source ?? 'file', job.segmMaskArea);
  const imageCount = new Map(gt.categories.map((c) => [c.id, c.image_count] as const));
  const counts = { images: gt.images.length, categories: gt.categories.length, detections: results.count };
  if (job.coco) {
    const r = evaluateCoco(gt, results, { iouType: job.iouType, segmAreaFromBbox: segmArea });
    return {
      iouType: job.iouType,
      semantics: 'COCOeval',
      stats: { ...r.stats },
      text: formatCocoStats(r),
      perCategory: r.perCategory.map((c) => ({ ...c, frequency: undefined, imageCount: imageCount.get(c.id) })),
      counts,
      precision: { shape: r.precision.shape.slice(), data: Float64Array.from(r.precision.data) },
      recall: { shape: r.recall.shape.slice(), data: Float64Array.from(r.recall.data) },
      ms: { parse: t1 - t0, evaluate: performance.now() - t1 },
    };
  }
  const r = evaluateLvis(gt, results, { iouType: job.iouType, maxDets: job.maxDets ?? 300, segmAreaFromBbox: segmArea });
  return {
    iouType: job.iouType,
    semantics: 'lvis-api',
    stats: { ...r.stats },
    text: formatLvisStats(r),
    perCategory: r.perCategory.map((c) => ({ ...c, imageCount: imageCount.get(c.id) })),
    counts,
    precision: { shape: r.precision.shape.slice(), data: Float64Array.from(r.precision.data) },
    recall: { shape: r.recall.shape.slice(), data: Float64Array.from(r.recall.data) },
    ms: { parse: t1 - t0, evaluate: performance.now() - t1 },
  };
}
