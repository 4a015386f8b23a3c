/** coco-ssd's graphs as a preset of the graph backbone: node names, proposals, prior-adjusted re-scoring. */
export * from './cocoSsdGraph.js';
export * from './cocoSsdProposals.js';
