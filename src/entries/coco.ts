/**
 * `balms/coco`: the LVIS / COCO formats without the file system: the record types, validation of an
 * in-memory annotation or results object (the CLI's one-line messages), the `LvisIndex`, category
 * statistics and subsets. Reading and writing files is in `balms/node`.
 */
export type {
  Bbox, DetectionResult, Frequency, LvisAnnotation, LvisCategory, LvisDataset, LvisImage, Polygon, RleJson, Segmentation,
} from '../coco/types.js';
export { LvisIndex } from '../coco/lvisIndex.js';
export { parseLvisDataset, validateDataset } from '../coco/validateDataset.js';
export type { DatasetFormat, ValidateDatasetOptions } from '../coco/validateDataset.js';
export { validateResults } from '../coco/validateResults.js';
export type { ResultsGroundTruth, ValidateResultsOptions } from '../coco/validateResults.js';
export { categoryStats } from '../coco/categoryStats.js';
export type { BucketCounts, CategoryMismatch, CategoryStat, DatasetStats } from '../coco/categoryStats.js';
export { makeSubset } from '../coco/makeSubset.js';
export type { SubsetOptions } from '../coco/makeSubset.js';
export { BalmsInputError, isBalmsInputError } from '../util/errors.js';
