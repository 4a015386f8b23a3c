import type { LvisDataset, Segmentation } from '../coco/types.js';
import { annotationRle, bboxIouPair, rleIouMatrix, type Rle } from './maskOps.js';
import { resultRle, type PreparedEval } from './prepare.js';

/**
 * The IoU matrix of one (image, category) pair: D×G, row-major by detection (detections in
 * score order, GT in pair order), as `maskUtils.iou(dt, gt, iscrowd)` returns it.
 */
export type PairIou = (pair: number) => Float64Array;

/**
 * pycocotools `bbIou` for detections `d0..d0+D` against GT `g0..g0+G` (flat `[x, y, w, h]`
 * arrays) into `out[d*G + g]`, one mask-API `bboxIouPair` per cell (no +1; `da` as the union
 * against a crowd GT).
 */
export function boxIouInto(
  dt: Float64Array, d0: number, D: number,
  gt: Float64Array, g0: number, G: number,
  crowd: Uint8Array, out: Float64Array,
): void {
  for (let g = 0; g < G; g++) {
    const isCrowd = crowd[g0 + g] !== 0;
    const gOff = 4 * (g0 + g);
    for (let d = 0; d < D; d++) out[d * G + g] = bboxIouPair(dt, gt, isCrowd, 4 * (d0 + d), gOff);
  }
}

/** Box IoU for every pair, computed into one reused buffer. */
export function boxPairIou(p: PreparedEval): PairIou {
  let buf = new Float64Array(1024);
  return (q) => {
    const g0 = p.pairGtStart[q], G = p.pairGtStart[q + 1] - g0;
    const d0 = p.pairDtStart[q], D = p.pairDtStart[q + 1] - d0;
    if (buf.length < D * G) buf = new Float64Array(Math.max(D * G, 2 * buf.length));
    boxIouInto(p.dtBox, d0, D, p.gt.box, g0, G, p.gt.crowd, buf);
    return buf;
  };
}

/**
 * Mask IoU for every pair: each GT segmentation is rasterized / decoded once (each GT belongs to
 * exactly one pair), detections were decoded once while preparing.
 */
export function maskPairIou(p: PreparedEval, gtData: LvisDataset): PairIou {
  const anns = gtData.annotations;
  return (q) => {
    const g0 = p.pairGtStart[q], g1 = p.pairGtStart[q + 1];
    const d0 = p.pairDtStart[q], d1 = p.pairDtStart[q + 1];
    const img = p.pairImg[q];
    const h = p.gt.imgHeight[img], w = p.gt.imgWidth[img];
    const gts: Rle[] = new Array(g1 - g0);
    for (let g = g0; g < g1; g++) gts[g - g0] = annotationRle(anns[p.gt.ann[g]].segmentation as Segmentation, h, w);
    const dts: Rle[] = new Array(d1 - d0);
    for (let d = d0; d < d1; d++) dts[d - d0] = p.dtRle[d] ?? resultRle(p.results, p.dtResult[d], h, w);
    return rleIouMatrix(dts, gts, p.gt.crowd.subarray(g0, g1));
  };
}
