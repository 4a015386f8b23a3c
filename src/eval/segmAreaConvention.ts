/**
 * The one convention for the area of a mask detection (segm and boundary), which decides its
 * small / medium / large range (APs/m/l, ARs/m/l; AP and APr/c/f do not depend on it). Every
 * evaluation of mask detections asks this function for its `segmAreaFromBbox` option:
 *
 * - **detections of a balms model** (`'model'`: the training-time evaluation, compare, `balms eval
 *   --checkpoint`, the view page's in-page checkpoint run): the mask's own pixel count, always.
 *   detectron2's LVISEvaluator deletes each result's `bbox` before segm evaluation, so lvis-api takes
 *   the mask's area; the BALMS paper's numbers were made that way, and a model's box (regressed) and
 *   mask (thresholded) disagree, so the mask's area is the size of a mask detection.
 * - **a results file** (`'file'`: `balms eval --results`, the view page's dropped file): lvis-api's
 *   own default, the box area `w*h` when the results carry a `bbox` (else the mask's), so `balms eval`
 *   gives lvis-api's numbers on any file; `maskArea` (`--segm-mask-area`) asks for the pixel count.
 */
import type { IouType } from './runCore.js';

/** Where the detections come from: a balms model run by balms, or a results file. */
export type DetectionSource = 'model' | 'file';

/** The `segmAreaFromBbox` option of `evaluateLvis` / `evaluateCoco` for these detections. */
export function segmAreaFromBbox(iouType: IouType, source: DetectionSource, maskArea = false): false | undefined {
  if (iouType === 'bbox') return undefined;
  return source === 'model' || maskArea ? false : undefined;
}
