/**
 * Balanced foreground/background subsampling (detectron2 `subsample_labels`) and the RoI-head
 * proposal sampler (`label_and_sample_proposals`): ground-truth boxes are appended to the
 * proposals, each proposal is matched to a ground truth at IoU ≥ 0.5 (foreground, with that
 * ground truth's class) or background (class K), and a fixed-size batch with at most the given
 * foreground fraction is drawn with a seeded `Rng`.
 */
import type { Rng } from '../util/rng.js';
import { boxCount, concatBoxes, pairwiseIou } from './boxes.js';
import { Matcher } from './matcher.js';
import { BalmsInputError } from '../util/errors.js';

/**
 * Picks up to `numSamples` entries: at most `floor(numSamples·positiveFraction)` positives
 * (label not `ignoreLabel` and not `bgLabel`), the rest negatives (label `bgLabel`), each set
 * drawn uniformly without replacement. Returns sorted positive and negative indices.
 */
export function subsampleLabels(
  labels: ArrayLike<number>,
  numSamples: number,
  positiveFraction: number,
  bgLabel: number,
  rng: Rng,
  ignoreLabel = -1,
): { positive: Int32Array; negative: Int32Array } {
  const pos: number[] = [];
  const neg: number[] = [];
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (l === ignoreLabel) continue;
    if (l === bgLabel) neg.push(i);
    else pos.push(i);
  }
  const numPos = Math.min(pos.length, Math.floor(numSamples * positiveFraction));
  const numNeg = Math.min(neg.length, numSamples - numPos);
  return { positive: drawSorted(pos, numPos, rng), negative: drawSorted(neg, numNeg, rng) };
}

function drawSorted(items: number[], k: number, rng: Rng): Int32Array {
  const perm = rng.permutation(items.length);
  const out = new Int32Array(k);
  for (let i = 0; i < k; i++) out[i] = items[perm[i]!]!;
  return out.sort();
}

export interface RoiSamplerOptions {
  /** RoIs per image (detectron2 `BATCH_SIZE_PER_IMAGE`, 512). */
  batchSizePerImage: number;
  /** Foreground fraction (0.25). */
  positiveFraction: number;
  /** IoU at or above which a proposal is foreground (0.5). */
  iouThreshold: number;
  /** Append the ground-truth boxes to the proposals (true). */
  addGtAsProposals: boolean;
}

/** The sampled RoIs of one image: foreground first, then background. */
export interface SampledRois {
  /** `R*4` XYXY. */
  boxes: Float32Array;
  /** Class per RoI in `0..K-1`, or `K` for background. */
  classes: Int32Array;
  /** Index of the matched ground truth per RoI (meaningful for foreground only). */
  gtIndex: Int32Array;
  /** Number of foreground RoIs (the first `numFg` entries). */
  numFg: number;
}

/** Samples RoIs for one image. `gtClasses` are contiguous `0..numClasses-1`. */
export function sampleRois(
  proposals: Float32Array,
  gtBoxes: Float32Array,
  gtClasses: Int32Array,
  numClasses: number,
  opts: RoiSamplerOptions,
  rng: Rng,
): SampledRois {
  const numGt = boxCount(gtBoxes);
  if (gtClasses.length !== numGt) throw new BalmsInputError(`sampleRois: ${numGt} boxes but ${gtClasses.length} classes`);
  const boxes = opts.addGtAsProposals && numGt > 0 ? concatBoxes([proposals, gtBoxes]) : proposals;
  const numProp = boxCount(boxes);
  const matcher = new Matcher({ thresholds: [opts.iouThreshold], labels: [0, 1] });
  const { matches, labels } = matcher.match(pairwiseIou(gtBoxes, boxes), numGt, numProp);
  const cls = new Int32Array(numProp);
  for (let i = 0; i < numProp; i++) cls[i] = numGt > 0 && labels[i] === 1 ? gtClasses[matches[i]!]! : numClasses;
  const { positive, negative } = subsampleLabels(cls, opts.batchSizePerImage, opts.positiveFraction, numClasses, rng);
  const n = positive.length + negative.length;
  const out: SampledRois = {
    boxes: new Float32Array(n * 4),
    classes: new Int32Array(n),
    gtIndex: new Int32Array(n),
    numFg: positive.length,
  };
  let k = 0;
  for (const idx of [positive, negative]) {
    for (let t = 0; t < idx.length; t++, k++) {
      const i = idx[t]!;
      out.boxes.set(boxes.subarray(4 * i, 4 * i + 4), 4 * k);
      out.classes[k] = cls[i]!;
      out.gtIndex[k] = matches[i]!;
    }
  }
  return out;
}
