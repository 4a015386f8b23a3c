/**
 * `balms/coco-ssd`: coco-ssd (`@tensorflow-models/coco-ssd`, an optional peer dependency) as a
 * frozen backbone and proposal source for balms's RoI heads, its training and checkpoints, and
 * prior-adjusted re-scoring of coco-ssd's own detections. Node only (reads local model files).
 */
export * from '../modeling/cocoSsd/index.js';
export * from '../engine/cocoSsd/index.js';
