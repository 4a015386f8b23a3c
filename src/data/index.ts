/** Data: LVIS/COCO image reading, transforms, training examples, prefetching, and the synthetic dataset. */
export { CategoryMap } from './categoryMap.js';
export { decodeImage, decodeImageFile, rgbaToRgb } from './image.js';
export type { RgbImage } from './image.js';
export { LvisImageFolder } from './imageFolder.js';
export { shortestEdgeSize, resizeBilinear } from './resize.js';
export { flipImageHorizontal, flipMaskHorizontal, flipPolygonsHorizontal, flipBoxesHorizontal } from './flip.js';
export { normalizeImage, denormalizeImage, IMAGENET_PIXEL_STATS } from './normalize.js';
export type { PixelStats } from './normalize.js';
export { xywhToXyxy, scalePolygons, scaleBoxes, polygonsBox, clipBoxes } from './instanceTransforms.js';
export { DEFAULT_TRAIN_TRANSFORM, DEFAULT_TEST_TRANSFORM, planAugmentation, transformImage, transformInstances } from './augment.js';
export type { ExampleTransform, AugmentationPlan, Instances } from './augment.js';
export { DetectionDataset, exampleSeed, inlineImagePipeline } from './detectionDataset.js';
export type { TrainingExample, ImagePipeline } from './detectionDataset.js';
export { prefetchBatches, exampleBatches } from './prefetch.js';
export type { PrefetchOptions, ExampleStreamOptions } from './prefetch.js';
export * from './synth/index.js';
