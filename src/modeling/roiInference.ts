/**
 * Fast R-CNN inference for one image (detectron2 `fast_rcnn_inference_single_image`): decode the
 * class-specific boxes, clip them to the image, keep (RoI, class) pairs whose score exceeds the
 * threshold, run per-class NMS and keep the top detections by score.
 */
import type { BoxCoder } from './boxCoder.js';
import { batchedNms } from './nms.js';
import { BalmsInputError } from '../util/errors.js';

export interface BoxDetections {
  /** `D*4` XYXY. */
  boxes: Float32Array;
  scores: Float32Array;
  /** Contiguous class ids `0..K-1`. */
  classes: Int32Array;
}

/**
 * @param probs `R·(K+1)` row-major probabilities, last column background
 * @param deltas `R·4B` (B = K class-specific or 1 agnostic)
 * @param proposals `R*4`
 */
export function boxInferenceSingleImage(
  probs: Float32Array,
  deltas: Float32Array,
  proposals: Float32Array,
  numClasses: number,
  imageSize: readonly [number, number],
  coder: BoxCoder,
  scoreThreshold: number,
  nmsThreshold: number,
  topK: number,
): BoxDetections {
  const r = proposals.length / 4;
  const k = numClasses;
  if (probs.length !== r * (k + 1)) throw new BalmsInputError(`boxInference: ${probs.length} probabilities for ${r} RoIs × ${k + 1}`);
  const b = r > 0 ? deltas.length / (4 * r) : 1;
  const decoded = coder.decode(deltas, proposals); // [R, B, 4]
  const [h, w] = imageSize;
  for (let i = 0; i < decoded.length; i += 4) {
    decoded[i] = Math.min(Math.max(decoded[i]!, 0), w);
    decoded[i + 1] = Math.min(Math.max(decoded[i + 1]!, 0), h);
    decoded[i + 2] = Math.min(Math.max(decoded[i + 2]!, 0), w);
    decoded[i + 3] = Math.min(Math.max(decoded[i + 3]!, 0), h);
  }
  // Candidates (RoI, class) with score > threshold and finite box.
  const cBoxes: number[] = [];
  const cScores: number[] = [];
  const cClasses: number[] = [];
  for (let i = 0; i < r; i++) {
    for (let c = 0; c < k; c++) {
      const s = probs[i * (k + 1) + c]!;
      if (!(s > scoreThreshold)) continue;
      const o = (i * b + (b === 1 ? 0 : c)) * 4;
      const x1 = decoded[o]!, y1 = decoded[o + 1]!, x2 = decoded[o + 2]!, y2 = decoded[o + 3]!;
      if (!Number.isFinite(x1 + y1 + x2 + y2)) continue;
      cBoxes.push(x1, y1, x2, y2);
      cScores.push(s);
      cClasses.push(c);
    }
  }
  const boxes = Float32Array.from(cBoxes);
  const scores = Float32Array.from(cScores);
  const keep = batchedNms(boxes, scores, cClasses, nmsThreshold);
  const n = Math.min(keep.length, topK);
  const out: BoxDetections = { boxes: new Float32Array(n * 4), scores: new Float32Array(n), classes: new Int32Array(n) };
  for (let j = 0; j < n; j++) {
    const i = keep[j]!;
    out.boxes.set(boxes.subarray(4 * i, 4 * i + 4), 4 * j);
    out.scores[j] = scores[i]!;
    out.classes[j] = cClasses[i]!;
  }
  return out;
}
