export * from './types.js';
export * from './jsonStream.js';
export * from './loadJson.js';
export * from './lvisIndex.js';
export { validateDataset } from './validateDataset.js';
export type { DatasetFormat, ValidateDatasetOptions } from './validateDataset.js';
export { validateResults } from './validateResults.js';
export type { ResultsGroundTruth, ValidateResultsOptions } from './validateResults.js';
