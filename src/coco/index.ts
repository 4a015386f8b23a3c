/** COCO / LVIS formats and the pycocotools-exact mask API. */
export * from './types.js';
export * from './mask/index.js';
export * from './jsonStream.js';
export * from './loadJson.js';
export * from './lvisIndex.js';
export { validateDataset, parseLvisDataset } from './validateDataset.js';
export type { DatasetFormat, ValidateDatasetOptions } from './validateDataset.js';
export { validateResults } from './validateResults.js';
export type { ResultsGroundTruth, ValidateResultsOptions } from './validateResults.js';
export * from './categoryStats.js';
export * from './makeSubset.js';
export type { ResultColumns } from './resultColumns.js';
export { columnsFromObjects, isResultColumns } from './resultColumns.js';
export { scanResultColumns } from './scanResultColumns.js';
