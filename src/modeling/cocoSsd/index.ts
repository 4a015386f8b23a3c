/** balms on coco-ssd (`balms/coco-ssd`): coco-ssd as a frozen backbone and proposal source for balms's RoI heads. */
export * from './cocoSsdDetector.js';
export * from './cocoSsdGraph.js';
export * from './cocoSsdProposals.js';
export * from './localModel.js';
