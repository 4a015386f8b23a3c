import type { LvisDataset, Segmentation } from '../coco/types.js';
import { annotationRle, rleIouMatrix, type Rle } from './maskOps.js';
import type { PreparedEval } from './prepare.js';

/**
 * The IoU matrix of one (image, category) pair: D×G, row-major by detection (detections in
 * score order, GT in pair order), as `maskUtils.iou(dt, gt, iscrowd)` returns it.
 */
export type PairIou = (pair: number) => Float64Array;

/**
 * pycocotools `bbIou` on `[x, y, w, h]` boxes, operation for operation (no +1): intersection
 * `min(x+w) − max(x)` (≤ 0 → IoU 0), union `da + ga − i`, or `da` against a crowd GT.
 */
export function boxIouInto(
  dt: Float64Array, d0: number, D: number,
  gt: Float64Array, g0: number, G: number,
  crowd: Uint8Array, out: Float64Array,
): void {
  for (let g = 0; g < G; g++) {
    const gb = 4 * (g0 + g);
    const gx = gt[gb], gy = gt[gb + 1], gw = gt[gb + 2], gh = gt[gb + 3];
    const ga = gw * gh;
    const isCrowd = crowd[g0 + g] !== 0;
    for (let d = 0; d < D; d++) {
      const db = 4 * (d0 + d);
      const dx = dt[db], dy = dt[db + 1], dw = dt[db + 2], dh = dt[db + 3];
      const o = d * G + g;
      out[o] = 0;
      const w = Math.min(dw + dx, gw + gx) - Math.max(dx, gx);
      if (w <= 0) continue;
      const h = Math.min(dh + dy, gh + gy) - Math.max(dy, gy);
      if (h <= 0) continue;
      const i = w * h;
      const da = dw * dh;
      out[o] = i / (isCrowd ? da : da + ga - i);
    }
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
    const dts = p.dtRle.slice(d0, d1);
    return rleIouMatrix(dts, gts, p.gt.crowd.subarray(g0, g1));
  };
}
