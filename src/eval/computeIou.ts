import type { LvisDataset, Segmentation } from '../coco/types.js';
import { bboxIouPair, rleIouMatrixInto, type Rle } from './maskOps.js';
import type { PreparedEval } from './prepare.js';
import { RunArena } from './runArena.js';
import { BoundaryScratch, boundaryDilation, maskBoundary } from './boundary.js';

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
 * exactly one pair), each detection once (unless preparing already decoded it), all into one
 * arena reset per pair; the matrix is written into one reused buffer.
 */
export function maskPairIou(p: PreparedEval, gtData: LvisDataset, boundaryRatio?: number): PairIou {
  const anns = gtData.annotations;
  const arena = new RunArena();
  let buf = new Float64Array(1024);
  let bbuf = new Float64Array(boundaryRatio === undefined ? 0 : 1024);
  const scratch = new BoundaryScratch();
  const dtB: Rle[] = [];
  const gtB: Rle[] = [];
  let dts: Rle[] = [];
  let gts: Rle[] = [];
  return (q) => {
    const g0 = p.pairGtStart[q], G = p.pairGtStart[q + 1] - g0;
    const d0 = p.pairDtStart[q], D = p.pairDtStart[q + 1] - d0;
    const img = p.pairImg[q];
    const h = p.gt.imgHeight[img], w = p.gt.imgWidth[img];
    arena.reset();
    gts.length = G;
    for (let g = 0; g < G; g++) gts[g] = arena.annotation(anns[p.gt.ann[g0 + g]].segmentation as Segmentation, h, w);
    dts.length = D;
    for (let d = 0; d < D; d++) dts[d] = p.dtRle[d0 + d] ?? arena.result(p.results, p.dtResult[d0 + d], h, w);
    if (buf.length < D * G) buf = new Float64Array(Math.max(D * G, 2 * buf.length));
    const crowd = p.gt.crowd.subarray(g0, g0 + G);
    rleIouMatrixInto(dts, gts, crowd, buf);
    if (boundaryRatio !== undefined && D > 0 && G > 0) {
      // Boundary type: min(mask IoU, boundary IoU), except against a crowd GT (the boundary-iou-api).
      gtB.length = G;
      for (let g = 0; g < G; g++) gtB[g] = maskBoundary(gts[g], boundaryDilation(gts[g].h, gts[g].w, boundaryRatio), scratch);
      dtB.length = D;
      for (let d = 0; d < D; d++) dtB[d] = maskBoundary(dts[d], boundaryDilation(dts[d].h, dts[d].w, boundaryRatio), scratch);
      if (bbuf.length < D * G) bbuf = new Float64Array(Math.max(D * G, 2 * bbuf.length));
      rleIouMatrixInto(dtB, gtB, crowd, bbuf);
      for (let d = 0; d < D; d++) {
        for (let g = 0; g < G; g++) if (!crowd[g] && bbuf[d * G + g] < buf[d * G + g]) buf[d * G + g] = bbuf[d * G + g];
      }
    }
    return buf;
  };
}
