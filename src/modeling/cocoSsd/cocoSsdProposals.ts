/**
 * coco-ssd's raw outputs as detection building blocks:
 * - class-agnostic proposals: every anchor box with objectness = its best class score, then
 *   score threshold, NMS at an explicit IoU and top-k (coco-ssd's own `detect` instead passes its
 *   `minScore` as NMS IoU threshold too — `nonMaxSuppression(boxes, scores, max, minScore,
 *   minScore)` — so with the default 0.5 it suppresses at IoU 0.5 whatever score you ask for;
 *   balms never calls `detect` and takes both thresholds separately);
 * - prior-adjusted re-scoring of coco-ssd's own detections (logit adjustment, Menon et al. 2021):
 *   each class score p becomes σ(logit(p) − τ·log π_c) with π the class frequencies you give,
 *   so frequent COCO classes stop crowding out rare ones; τ = 0 leaves the scores unchanged.
 */
import { BalmsInputError } from '../../util/errors.js';
import { nms, batchedNms } from '../nms.js';
import type { CocoSsdOutputs } from './cocoSsdGraph.js';

export interface ProposalOptions {
  /** Proposals kept after NMS (default 1000). */
  topK?: number;
  /** Class-agnostic NMS IoU (default 0.7, as an RPN). */
  nmsThreshold?: number;
  /** Minimum objectness (default 0: keep every anchor box). */
  minScore?: number;
}

/** Class-agnostic proposals `[x1, y1, x2, y2]` in the pixels of an image of `[h, w]`, best first. */
export function cocoSsdProposals(
  out: Pick<CocoSsdOutputs, 'scores' | 'boxes' | 'numBoxes' | 'numClasses'>,
  imageSize: readonly [number, number],
  opts: ProposalOptions = {},
): { boxes: Float32Array; objectness: Float32Array } {
  const topK = opts.topK ?? 1000;
  const iou = opts.nmsThreshold ?? 0.7;
  const minScore = opts.minScore ?? 0;
  if (!(Number.isInteger(topK) && topK >= 1)) throw new BalmsInputError(`coco-ssd proposals: topK must be a positive integer, got ${topK}`);
  if (!(iou > 0 && iou <= 1)) throw new BalmsInputError(`coco-ssd proposals: nmsThreshold must be in (0, 1], got ${iou}`);
  const [h, w] = imageSize;
  const { scores, boxes, numBoxes: n, numClasses: c } = out;
  const xyxy = new Float32Array(4 * n);
  const objectness = new Float32Array(n);
  const candidates: number[] = [];
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 0; j < c; j++) best = Math.max(best, scores[i * c + j]!);
    objectness[i] = best;
    // [ymin, xmin, ymax, xmax] normalised → XYXY pixels, clipped to the image
    const y1 = clamp(boxes[4 * i]! * h, h), x1 = clamp(boxes[4 * i + 1]! * w, w);
    const y2 = clamp(boxes[4 * i + 2]! * h, h), x2 = clamp(boxes[4 * i + 3]! * w, w);
    xyxy[4 * i] = Math.min(x1, x2);
    xyxy[4 * i + 1] = Math.min(y1, y2);
    xyxy[4 * i + 2] = Math.max(x1, x2);
    xyxy[4 * i + 3] = Math.max(y1, y2);
    if (best >= minScore && xyxy[4 * i + 2]! > xyxy[4 * i]! && xyxy[4 * i + 3]! > xyxy[4 * i + 1]!) candidates.push(i);
  }
  const keep = nms(xyxy, objectness, iou, topK, Int32Array.from(candidates));
  const outBoxes = new Float32Array(4 * keep.length);
  const outScores = new Float32Array(keep.length);
  keep.forEach((i, k) => {
    outBoxes.set(xyxy.subarray(4 * i, 4 * i + 4), 4 * k);
    outScores[k] = objectness[i]!;
  });
  return { boxes: outBoxes, objectness: outScores };
}

function clamp(v: number, hi: number): number {
  return v < 0 ? 0 : v > hi ? hi : v;
}

/** A re-scored coco-ssd detection, in coco-ssd's own output form plus the class index. */
export interface AdjustedDetection {
  /** `[x, y, width, height]` in image pixels. */
  bbox: [number, number, number, number];
  /** Index into coco-ssd's 90 score columns (COCO category id − 1 for coco-ssd's CLASSES table). */
  classIndex: number;
  score: number;
}

export interface AdjustOptions {
  /** π_c: a frequency (or count: only ratios matter) per score column, > 0. */
  classPriors: ArrayLike<number>;
  /** τ (default 1). */
  tau?: number;
  /** Detections kept (default 20, as coco-ssd). */
  maxDetections?: number;
  /** Minimum adjusted score (default 0.5, as coco-ssd's minScore). */
  minScore?: number;
  /** Per-class NMS IoU (default 0.5), independent of minScore. */
  nmsThreshold?: number;
}

/** Logit-adjusted class scores `[B, C]`: σ(logit(p) − τ·log(π_c / Σπ)) per entry. */
export function adjustCocoSsdScores(scores: Float32Array, numClasses: number, classPriors: ArrayLike<number>, tau = 1): Float32Array {
  if (classPriors.length !== numClasses) throw new BalmsInputError(`classPriors has ${classPriors.length} entries, expected one per coco-ssd class (${numClasses})`);
  if (!Number.isFinite(tau)) throw new BalmsInputError(`tau must be finite, got ${tau}`);
  let total = 0;
  for (let j = 0; j < numClasses; j++) {
    const p = classPriors[j]!;
    if (!(Number.isFinite(p) && p > 0)) throw new BalmsInputError(`classPriors[${j}] = ${p}, expected a frequency > 0`);
    total += p;
  }
  const shift = new Float64Array(numClasses);
  for (let j = 0; j < numClasses; j++) shift[j] = tau * Math.log(classPriors[j]! / total);
  const out = new Float32Array(scores.length);
  const eps = 1e-7;
  for (let i = 0; i < scores.length; i++) {
    const p = Math.min(Math.max(scores[i]!, eps), 1 - eps);
    const z = Math.log(p / (1 - p)) - shift[i % numClasses]!;
    out[i] = 1 / (1 + Math.exp(-z));
  }
  return out;
}

/** coco-ssd detections with prior-adjusted scores: best adjusted class per box, score threshold, per-class NMS. */
export function adjustedCocoSsdDetections(
  out: Pick<CocoSsdOutputs, 'scores' | 'boxes' | 'numBoxes' | 'numClasses'>,
  imageSize: readonly [number, number],
  opts: AdjustOptions,
): AdjustedDetection[] {
  const adjusted = adjustCocoSsdScores(out.scores, out.numClasses, opts.classPriors, opts.tau ?? 1);
  const minScore = opts.minScore ?? 0.5;
  const [h, w] = imageSize;
  const n = out.numBoxes, c = out.numClasses;
  const boxes: number[] = [], scores: number[] = [], classes: number[] = [];
  for (let i = 0; i < n; i++) {
    let best = -1, bestJ = 0;
    for (let j = 0; j < c; j++) if (adjusted[i * c + j]! > best) (best = adjusted[i * c + j]!), (bestJ = j);
    if (best < minScore) continue;
    const b = out.boxes;
    boxes.push(b[4 * i + 1]! * w, b[4 * i]! * h, b[4 * i + 3]! * w, b[4 * i + 2]! * h);
    scores.push(best);
    classes.push(bestJ);
  }
  const keep = batchedNms(boxes, scores, classes, opts.nmsThreshold ?? 0.5).slice(0, opts.maxDetections ?? 20);
  return Array.from(keep, (k) => ({
    bbox: [boxes[4 * k]!, boxes[4 * k + 1]!, boxes[4 * k + 2]! - boxes[4 * k]!, boxes[4 * k + 3]! - boxes[4 * k + 1]!] as [number, number, number, number],
    classIndex: classes[k]!,
    score: scores[k]!,
  }));
}
