/**
 * balms — Balanced Meta-Softmax for long-tailed instance segmentation on TensorFlow.js.
 * The package root, for Node: every public name of the subpath entries (src/entries/, one explicit
 * list each) plus the data pipeline, training engine, report and kernel registration. Internals
 * (helpers the areas share among themselves) are not exported.
 */
export * from './entries/mask.js';
export * from './entries/coco.js';
export * from './entries/eval.js';
export * from './entries/losses.js';
export * from './entries/sampling.js';
export * from './entries/modeling.js';
export * from './entries/node.js';

// Error kinds (BalmsInputError comes with entries/coco): an internal fault, and training that diverged.
export { BalmsInternalError, TrainingDivergedError } from './util/errors.js';

// Data: transforms, training examples, batching and the synthetic dataset's generator.
export { CategoryMap, classStatsFromDataset, shortestEdgeSize, resizeBilinear, normalizeImage, denormalizeImage, IMAGENET_PIXEL_STATS } from './data/index.js';
export type { PixelStats } from './data/index.js';
export { flipImageHorizontal, flipMaskHorizontal, flipPolygonsHorizontal, flipBoxesHorizontal } from './data/index.js';
export { xywhToXyxy, scalePolygons, scaleBoxes, polygonsBox } from './data/index.js';
export { DEFAULT_TRAIN_TRANSFORM, DEFAULT_TEST_TRANSFORM, planAugmentation, transformImage, transformInstances } from './data/index.js';
export type { ExampleTransform, AugmentationPlan, Instances } from './data/index.js';
export { DetectionDataset, exampleSeed, inlineImagePipeline } from './data/index.js';
export type { TrainingExample, ImagePipeline } from './data/index.js';
export { prefetchBatches, exampleBatches, padImages } from './data/index.js';
export type { PaddedImages, PrefetchOptions, ExampleStreamOptions } from './data/index.js';
export { SHAPE_KINDS, shapePolygon, polygonArea, polygonExtent } from './data/index.js';
export type { ShapeKind, ShapePose } from './data/index.js';
export { SYNTH_COLOURS, SYNTH_TEXTURES, MAX_SYNTH_CATEGORIES, appearanceName, chooseAppearances } from './data/index.js';
export type { SynthAppearance, SynthColour, SynthTexture } from './data/index.js';
export { DEFAULT_SYNTH_OPTIONS, planSynthDataset, renderSynthImage, SYNTH_GENERATOR_VERSION, SYNTH_LAYOUT } from './data/index.js';
export type { SynthOptions, SynthPlan, SynthCategoryPlan, SynthImageSpec, SynthObjectSpec, PlacedObject, RenderedSynthImage } from './data/index.js';

// Training engine: config, model and sampler construction, optimiser, inference over a dataset.
export { defaultTrainConfig, resolveTrainConfig, LOSS_DEFAULTS, validateConfig } from './engine/index.js';
export type { TrainConfig, ModelConfig, JsonObject, JsonValue, ConfigChoices, OpenKeys } from './engine/index.js';
export { buildModel, buildTrainSampler, buildMetaSampler, createMetaLearner } from './engine/index.js';
export type { BuiltModel, StageTwoMetaLearner } from './engine/index.js';
export { learningRateAt, SgdMomentum, clipGradientsByGlobalNorm, TrainingBatchStream } from './engine/index.js';
export type { LrScheduleConfig, SgdConfig, BatchStreamOptions } from './engine/index.js';
export { predictDataset, evaluateDetector, ProgressBar, formatDuration } from './engine/index.js';
export type { PredictOptions, DatasetPredictions, ModelEvaluation, ProgressBarOptions } from './engine/index.js';
export { runCompare, COMPARE_METHODS, COMPARE_PRESETS, COMPARE_BASELINE, lossClassStats } from './engine/index.js';
export type { CompareOptions, CompareOutcome, CompareMethod, ComparePreset } from './engine/index.js';

// Report: the self-contained HTML training report and its SVG charts.
export { renderReport, barChart, lineChart, scatterChart, drawOverlay, overlayColor } from './report/index.js';
export type { ReportData, ReportCategory, MetricTable, OverlayInstance } from './report/index.js';
export { summarizeCompare, renderCompareReport, pairedBootstrap, sampleStd, DETECTION_METRICS } from './report/index.js';
export type { CompareSummary, CompareMethodSummary, CompareRun, BootstrapInterval, CompareMetricSet } from './report/index.js';

// Kernels balms registers for training on cpu / wasm.
export { registerTrainingKernels } from './backends/index.js';
export type { RegisteredKernels } from './backends/index.js';

export { Rng } from './util/rng.js';
export type { RngState } from './util/rng.js';
