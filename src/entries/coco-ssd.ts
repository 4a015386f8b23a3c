/**
 * `balms/coco-ssd`: coco-ssd's real graphs (ssdlite_mobilenet_v2, ssd_mobilenet_v2,
 * ssd_mobilenet_v1) as a frozen backbone of balms's one engine — the `coco-ssd` presets of
 * `model.type: "graph"` — plus its proposals and prior-adjusted re-scoring of its own detections.
 * Node only (reads local model files); `@tensorflow-models/coco-ssd` itself is not needed.
 */
export * from '../modeling/cocoSsd/index.js';
export * from '../modeling/graph/index.js';
