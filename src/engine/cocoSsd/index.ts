/** train / predict / checkpoints of "balms on coco-ssd" (`model.type: "coco_ssd"`). */
export * from './cocoSsdCheckpoint.js';
export * from './cocoSsdConfig.js';
export * from './cocoSsdTrain.js';
