export { classificationDataOf, loadClassificationData, type ClassificationData } from './classificationData.js';
export { CLASSIFICATION_FILES, evaluateClassifier, writeClassificationEvaluation, type ClassificationEvaluation } from './classificationEvaluation.js';
export { buildImageClassifier, loadClassifierWeights, saveClassificationRun, type ClassificationRun, type ClassificationRunState } from './classificationRun.js';
export { trainClassifier, type ClassifierTrainResult } from './trainClassifier.js';
