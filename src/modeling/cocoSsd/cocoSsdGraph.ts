/**
 * coco-ssd's graphs (`@tensorflow-models/coco-ssd` 2.2.3: ssdlite_mobilenet_v2, ssd_mobilenet_v2,
 * ssd_mobilenet_v1) as seen by the `coco-ssd` graph presets (graph/graphSpec.ts): node names and the
 * frame. Each takes an int32 image `[1, H, W, 3]` of any size, resizes it to 300×300 inside the
 * graph, and outputs `Postprocessor/Slice` `[1, 1917, 90]` (sigmoid scores of the 90 COCO ids,
 * background column dropped) and `Postprocessor/ExpandDims_1` `[1, 1917, 1, 4]` (boxes
 * `[ymin, xmin, ymax, xmax]` normalised to the image).
 */

export const COCO_SSD_SCORES_NODE = 'Postprocessor/Slice';
export const COCO_SSD_BOXES_NODE = 'Postprocessor/ExpandDims_1';
/** The side of the square frame coco-ssd's graph resizes every image to. */
export const COCO_SSD_INPUT_SIZE = 300;

export type CocoSsdBase = 'lite_mobilenet_v2' | 'mobilenet_v2' | 'mobilenet_v1';

/** A feature map of the graph: its node name and its stride in the 300×300 frame. */
export interface CocoSsdFeatureNode {
  name: string;
  stride: number;
}

/**
 * Feature nodes of the three published coco-ssd graphs: the two maps the SSD heads read and the
 * stride-8 map below them. The real graphs are NOT fused: each of these is a plain `Relu6` node
 * after `Conv2D → Add` (bias). Checked against the real `model.json` files (node names, and shapes
 * at the 300×300 frame: 38×38, 19×19, 10×10) by test/modeling/graph/cocoSsdRealGraphs.test.ts; the
 * weights themselves were not available (see ../shared/cocossd-real/README.md), so only topology,
 * names and shapes are verified.
 */
export const COCO_SSD_FEATURE_NODES: Record<CocoSsdBase, CocoSsdFeatureNode[]> = {
  lite_mobilenet_v2: [
    { name: 'FeatureExtractor/MobilenetV2/expanded_conv_6/expand/Relu6', stride: 8 },
    { name: 'FeatureExtractor/MobilenetV2/expanded_conv_13/expand/Relu6', stride: 16 },
    { name: 'FeatureExtractor/MobilenetV2/Conv_1/Relu6', stride: 32 },
  ],
  mobilenet_v2: [
    { name: 'FeatureExtractor/MobilenetV2/expanded_conv_6/expand/Relu6', stride: 8 },
    { name: 'FeatureExtractor/MobilenetV2/expanded_conv_13/expand/Relu6', stride: 16 },
    { name: 'FeatureExtractor/MobilenetV2/Conv_1/Relu6', stride: 32 },
  ],
  mobilenet_v1: [
    { name: 'FeatureExtractor/MobilenetV1/MobilenetV1/Conv2d_5_pointwise/Relu6', stride: 8 },
    { name: 'FeatureExtractor/MobilenetV1/MobilenetV1/Conv2d_11_pointwise/Relu6', stride: 16 },
    { name: 'FeatureExtractor/MobilenetV1/MobilenetV1/Conv2d_13_pointwise/Relu6', stride: 32 },
  ],
};

/** coco-ssd's two raw outputs for one image, read back. */
export interface CocoSsdOutputs {
  /** `[B, C]` row-major sigmoid class scores (C = 90 COCO classes), before any NMS. */
  scores: Float32Array;
  /** `[B, 4]` row-major boxes `[ymin, xmin, ymax, xmax]` normalised to the image. */
  boxes: Float32Array;
  numBoxes: number;
  numClasses: number;
}
