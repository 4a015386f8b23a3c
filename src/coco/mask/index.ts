/** The pycocotools-exact mask API: RLE codec, polygon/box rasterisation, set ops and IoU. */
export type { Rle } from './rle.js';
export { encode, encodeRowMajor, decode, decodeRowMajor } from './rle.js';
export { rleToString, rleFromString, rleFromBytes, rleFromStringInto, rleFromBytesInto } from './rleString.js';
export { frPoly, frPolyRuns, frBbox, MAX_POLY_CROSSINGS, POLY_COORD_LIMIT } from './polygon.js';
export { merge, area, toBbox, toBboxInto } from './ops.js';
export { iou, iouInto, bboxIou, rleIouPair, bboxIouPair, crowdFlag } from './iou.js';
export type { JsonWhere } from './segmentation.js';
export { rleFromJson, rleToJson, segmentationToRle } from './segmentation.js';
