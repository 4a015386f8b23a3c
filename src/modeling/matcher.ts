/**
 * Assigns each prediction (anchor or proposal) to its best ground-truth box by IoU with
 * detectron2's `Matcher` rules: thresholds split IoU into labelled bands (e.g. `[0.3, 0.7]` with
 * labels `[0, -1, 1]` for the RPN: background, ignored, foreground; `[0.5]` with `[0, 1]` for the
 * RoI heads), and `allowLowQualityMatches` additionally makes every ground truth's
 * highest-IoU predictions (all ties) foreground, even when below the top threshold.
 */
import { BalmsInputError } from '../util/errors.js';

/** Label values: 1 foreground, 0 background, -1 ignored. */
export interface MatchResult {
  /** For each prediction, the index of its best ground truth (0 when there is none). */
  matches: Int32Array;
  /** For each prediction, 1 / 0 / -1. */
  labels: Int8Array;
  /** For each prediction, its IoU with the matched ground truth (0 without ground truth). */
  maxIou: Float32Array;
}

export interface MatcherOptions {
  /** Increasing IoU thresholds. */
  thresholds: number[];
  /** One label per band, `thresholds.length + 1` of them, each -1, 0 or 1. */
  labels: number[];
  allowLowQualityMatches?: boolean;
}

export class Matcher {
  readonly thresholds: number[];
  readonly labels: number[];
  readonly allowLowQualityMatches: boolean;

  constructor(opts: MatcherOptions) {
    const t = opts.thresholds;
    for (let i = 1; i < t.length; i++) if (!(t[i]! >= t[i - 1]!)) throw new BalmsInputError('Matcher: thresholds must be increasing');
    if (opts.labels.length !== t.length + 1) throw new BalmsInputError('Matcher: need one label per IoU band (thresholds + 1)');
    if (opts.labels.some((l) => l !== -1 && l !== 0 && l !== 1)) throw new BalmsInputError('Matcher: labels must be -1, 0 or 1');
    this.thresholds = [...t];
    this.labels = [...opts.labels];
    this.allowLowQualityMatches = opts.allowLowQualityMatches ?? false;
  }

  /**
   * Matches from an IoU matrix `[G, P]` (ground truth × predictions, row-major). With no ground
   * truth every prediction gets the label of the lowest band (background).
   */
  match(iou: Float32Array, numGt: number, numPred: number): MatchResult {
    if (iou.length !== numGt * numPred) throw new BalmsInputError(`Matcher.match: IoU matrix is ${iou.length}, expected ${numGt}x${numPred}`);
    const matches = new Int32Array(numPred);
    const labels = new Int8Array(numPred);
    const maxIou = new Float32Array(numPred);
    if (numGt === 0) {
      labels.fill(this.labels[0]!);
      return { matches, labels, maxIou };
    }
    // Best GT per prediction (first max wins, like torch.max on CPU).
    for (let p = 0; p < numPred; p++) {
      let best = -1;
      let bi = 0;
      for (let g = 0; g < numGt; g++) {
        const v = iou[g * numPred + p]!;
        if (v > best) {
          best = v;
          bi = g;
        }
      }
      matches[p] = bi;
      maxIou[p] = best;
      let band = 0;
      while (band < this.thresholds.length && best >= this.thresholds[band]!) band++;
      labels[p] = this.labels[band]!;
    }
    if (this.allowLowQualityMatches) {
      for (let g = 0; g < numGt; g++) {
        let best = 0;
        for (let p = 0; p < numPred; p++) best = Math.max(best, iou[g * numPred + p]!);
        // detectron2 includes zero-IoU "best" matches too; a GT with no overlap at all adds
        // every prediction, which it avoids only implicitly. We skip GTs with best IoU 0.
        if (best <= 0) continue;
        for (let p = 0; p < numPred; p++) if (iou[g * numPred + p] === best) labels[p] = 1;
      }
    }
    return { matches, labels, maxIou };
  }
}
