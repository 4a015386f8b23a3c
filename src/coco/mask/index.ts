/** The pycocotools-exact mask API: RLE codec, polygon/box rasterisation, set ops and IoU. */
export type { Rle } from './rle.js';
export { encode, encodeRowMajor, decode, decodeRowMajor } from './rle.js';
export { rleToString, rleFromString } from './rleString.js';
export { frPoly, frBbox, POLY_COORD_LIMIT } from './polygon.js';
export { merge, area, toBbox, toBboxInto } from './ops.js';
export { iou, bboxIou, rleIouPair, bboxIouPair, crowdFlag } from './iou.js';
export type { JsonWhere } from './segmentation.js';
export { rleFromJson, rleToJson, segmentationToRle } from './segmentation.js';
