import { linspace } from './numpyMath.js';

/** An area range `[lo, hi]`, inclusive at both ends, with its label. */
export interface AreaRange {
  label: 'all' | 'small' | 'medium' | 'large';
  lo: number;
  hi: number;
}

/** The evaluation parameters shared by the LVIS and COCO modes (those of lvis-api `Params` / COCOeval `Params`). */
export interface EvalParams {
  iouType: 'bbox' | 'segm' | 'boundary';
  /** `linspace(0.5, 0.95, 10)`, the exact doubles numpy produces. */
  iouThrs: Float64Array;
  /** `linspace(0, 1, 101)`, the exact doubles numpy produces. */
  recThrs: Float64Array;
  areaRanges: AreaRange[];
  /**
   * LVIS: `[300]`, the per-image cap applied when loading results (negative = no cap).
   * COCO: `[1, 10, 100]`, per (image, category) cuts; the last one bounds matching.
   */
  maxDets: number[];
  /** Sorted ids of the images evaluated (all of the ground truth's unless restricted). */
  imgIds: number[];
  /** Sorted ids of the categories evaluated (all of the ground truth's unless restricted). */
  catIds: number[];
}

/** `np.linspace(0.5, 0.95, 10)`. */
export const IOU_THRESHOLDS: Float64Array = linspace(0.5, 0.95, Math.round((0.95 - 0.5) / 0.05) + 1);
/** `np.linspace(0.0, 1.0, 101)`. */
export const RECALL_THRESHOLDS: Float64Array = linspace(0.0, 1.0, Math.round((1.0 - 0.0) / 0.01) + 1);
/** `np.spacing(1)`, added to `tp + fp` in the precision denominator. */
export const PRECISION_EPS = 2.220446049250313e-16;
/** The matcher never needs an IoU above this (`min(t, 1 - 1e-10)`). */
export const MAX_MATCH_IOU = 1 - 1e-10;

/** `[0, 1e5²]`, `[0, 32²]`, `[32², 96²]`, `[96², 1e5²]`. */
export const AREA_RANGES: readonly AreaRange[] = Object.freeze([
  { label: 'all', lo: 0, hi: 1e5 ** 2 },
  { label: 'small', lo: 0, hi: 32 ** 2 },
  { label: 'medium', lo: 32 ** 2, hi: 96 ** 2 },
  { label: 'large', lo: 96 ** 2, hi: 1e5 ** 2 },
] as AreaRange[]);

export function makeParams(iouType: EvalParams['iouType'], maxDets: number[], imgIds: number[], catIds: number[]): EvalParams {
  return {
    iouType,
    iouThrs: IOU_THRESHOLDS.slice(),
    recThrs: RECALL_THRESHOLDS.slice(),
    areaRanges: AREA_RANGES.map((a) => ({ ...a })),
    maxDets,
    imgIds,
    catIds,
  };
}
