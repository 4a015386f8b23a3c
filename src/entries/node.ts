/**
 * `balms/node`: what needs Node — reading and writing files (streamed JSON, images, checkpoints,
 * metrics logs, the synthetic dataset), the training loop and checkpoint-based inference, and the
 * native backend set-up (`initBackend`, which can load tfjs-node). Every other entry (`balms/mask`,
 * `balms/coco`, `balms/eval`, `balms/losses`, `balms/sampling`, `balms/modeling`) is free of
 * `node:*` imports and bundles for a page; test/entries/nodeImports.test.ts checks it.
 */
// Files: JSON (streamed, any size) and atomic writes.
export { loadJsonFile, loadLvisDataset, loadResults } from '../coco/loadJson.js';
export type { LoadDatasetOptions, LoadJsonOptions, LoadResultsOptions } from '../coco/loadJson.js';
export { JsonStreamScanner, JsonStreamSyntaxError, scanJsonFile } from '../coco/jsonStream.js';
export type { JsonStreamHandlers } from '../coco/jsonStream.js';
export { writeJsonFileAtomic, type JsonWriteOptions } from '../util/writeJsonAtomic.js';
// Images and the data pipeline's readers.
export { decodeImage, decodeImageFile, imageFileSize, rgbaToRgb, applyOrientation } from '../data/index.js';
export type { RgbImage } from '../data/index.js';
export { LvisImageFolder, WorkerImagePipeline, readImageChecked, ImageReadError } from '../data/index.js';
export type { ImageReadFailure } from '../data/index.js';
// The synthetic long-tailed dataset on disk.
export { encodePngRgb, writeSynthDataset, ensureSynthDataset, synthCacheKey, defaultCacheRoot, readSynthSummary } from '../data/index.js';
export type { SynthSummary, SynthCategorySummary } from '../data/index.js';
// Training, checkpoints, logs and checkpoint-based inference / evaluation.
export { loadConfigFile, train, checkpointCategories, loadModelWeights } from '../engine/index.js';
export type { TrainOptions, TrainResult, CheckpointCategory } from '../engine/index.js';
export { saveCheckpoint, loadCheckpoint } from '../engine/index.js';
export type { CheckpointContents } from '../engine/index.js';
export { loadDetectorFromCheckpoint } from '../engine/index.js';
export type { LoadedDetector, LoadDetectorOptions } from '../engine/index.js';
export { loadTrainingData, resolveDataPaths, valGroundTruth } from '../engine/index.js';
export type { TrainingData, DataPaths } from '../engine/index.js';
export { MetricsLog, readMetricsLog } from '../engine/index.js';
// Native set-up: backend choice (tfjs-node, wasm, cpu).
export { activeBackend, BACKEND_ORDER, BackendUnavailableError, initBackend, isBackendPreference } from '../backends/index.js';
export type { BackendChoice, BackendPreference } from '../backends/index.js';
