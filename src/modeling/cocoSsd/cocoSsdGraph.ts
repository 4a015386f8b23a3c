/**
 * coco-ssd as a frozen backbone and proposal source: its tfjs GraphModel run to its two raw
 * outputs — per-anchor class scores before any NMS and decoded anchor boxes — and to named
 * intermediate MobileNet feature maps, in one `executeAsync`.
 *
 * coco-ssd's graph takes an int32 image `[1, H, W, 3]` of any size, resizes it to 300×300 inside
 * the graph, and outputs `Postprocessor/Slice` `[1, B, 90]` (sigmoid scores of the 90 COCO ids,
 * background column dropped) and `Postprocessor/ExpandDims_1` `[1, B, 1, 4]` (boxes
 * `[ymin, xmin, ymax, xmax]` normalised to the image), B = 1917 for the three published bases.
 */
import * as tf from '@tensorflow/tfjs';
import { BalmsInputError } from '../../util/errors.js';
import { localModelUrl, registerFileLoadRouter } from './localModel.js';

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
 * Feature nodes of the three published coco-ssd models, named as the TensorFlow Object Detection
 * API's SSD feature extractors name them (the two layers its SSD heads read, then the stride-8
 * map below them), as they appear after the tfjs converter fuses conv + bias + ReLU6 into one node
 * named after the ReLU6. NOT checked against the real model.json files, which this project could
 * not obtain (see docs/plugin.md); check with `listCocoSsdNodes(graph)` and set
 * `model.cocoSsd.featureNodes` to what your copy has. The test fixture has the lite_mobilenet_v2 names.
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

/** The node names of a loaded graph whose name contains `filter` (to find feature maps in your copy). */
export function listCocoSsdNodes(graph: tf.GraphModel, filter = 'FeatureExtractor'): string[] {
  const nodes = (graph as unknown as { executor?: { graph?: { nodes?: Record<string, { op: string }> } } }).executor?.graph?.nodes ?? {};
  return Object.entries(nodes).filter(([n, v]) => n.includes(filter) && v.op !== 'Const').map(([n]) => n);
}

/**
 * Loads a coco-ssd model from a local folder (or `model.json` path, or `file://` URL) through
 * `@tensorflow-models/coco-ssd`'s own `load({ base, modelUrl })` — nothing is downloaded — and
 * returns coco-ssd's `ObjectDetection` and its GraphModel.
 */
export async function loadCocoSsd(opts: { modelUrl: string; base?: CocoSsdBase }): Promise<{ detector: unknown; graph: tf.GraphModel }> {
  if (!opts?.modelUrl) {
    throw new BalmsInputError('coco-ssd: give modelUrl, a local folder holding model.json and its weight shards (coco-ssd would otherwise download from Google storage)');
  }
  let cocoSsd: { load(config: { base?: string; modelUrl?: string }): Promise<unknown> };
  try {
    cocoSsd = (await import('@tensorflow-models/coco-ssd')) as typeof cocoSsd;
  } catch {
    throw new BalmsInputError('coco-ssd is not installed (npm install @tensorflow-models/coco-ssd@2.2.3)');
  }
  registerFileLoadRouter();
  const detector = await cocoSsd.load({ base: opts.base ?? 'lite_mobilenet_v2', modelUrl: localModelUrl(opts.modelUrl) });
  return { detector, graph: graphOf(detector) };
}

/** The GraphModel inside a coco-ssd `ObjectDetection` (or the GraphModel itself). */
export function graphOf(model: unknown): tf.GraphModel {
  if (model instanceof tf.GraphModel) return model;
  const inner = (model as { model?: unknown } | null)?.model;
  if (inner instanceof tf.GraphModel) return inner;
  throw new BalmsInputError('expected a coco-ssd ObjectDetection (from cocoSsd.load) or a tf.GraphModel');
}

/** coco-ssd's raw outputs for one image, read back, plus the requested feature maps (caller disposes). */
export interface CocoSsdOutputs {
  /** `[B, C]` row-major sigmoid class scores (C = 90 COCO classes), before any NMS. */
  scores: Float32Array;
  /** `[B, 4]` row-major boxes `[ymin, xmin, ymax, xmax]` normalised to the image. */
  boxes: Float32Array;
  numBoxes: number;
  numClasses: number;
  /** One `[1, h, w, c]` tensor per requested feature node, in the 300×300 frame. */
  features: tf.Tensor4D[];
}

/** Runs the graph on one image (`[H, W, 3]` or `[1, H, W, 3]`, values 0–255) to its raw outputs and `featureNodes`. */
export async function runCocoSsd(graph: tf.GraphModel, image: tf.Tensor3D | tf.Tensor4D, featureNodes: readonly string[] = []): Promise<CocoSsdOutputs> {
  if (!(image instanceof tf.Tensor) || (image.rank !== 3 && image.rank !== 4) || image.shape[image.rank - 1] !== 3 || (image.rank === 4 && image.shape[0] !== 1)) {
    throw new BalmsInputError(`coco-ssd: image must be [H, W, 3] or [1, H, W, 3] (0–255), got [${image?.shape}]`);
  }
  const input = tf.tidy(() => {
    const x = image.rank === 3 ? tf.expandDims(image) : image;
    return x.dtype === 'int32' ? tf.clone(x) : tf.cast(tf.round(x), 'int32');
  });
  let outs: tf.Tensor[];
  try {
    outs = (await graph.executeAsync(input, [COCO_SSD_SCORES_NODE, COCO_SSD_BOXES_NODE, ...featureNodes])) as tf.Tensor[];
  } catch (e) {
    throw new BalmsInputError(`coco-ssd: running the graph to ${[COCO_SSD_SCORES_NODE, COCO_SSD_BOXES_NODE, ...featureNodes].join(', ')} failed: ${(e as Error).message}`);
  } finally {
    input.dispose();
  }
  const [s, b, ...features] = outs as [tf.Tensor, tf.Tensor, ...tf.Tensor4D[]];
  try {
    if (s.rank !== 3 || b.rank !== 4 || b.shape[1] !== s.shape[1] || b.shape[3] !== 4) {
      throw new BalmsInputError(`coco-ssd: unexpected output shapes scores [${s.shape}], boxes [${b.shape}] (expected [1, B, C] and [1, B, 1, 4])`);
    }
    features.forEach((f, i) => {
      if (f.rank !== 4) throw new BalmsInputError(`coco-ssd: feature node ${featureNodes[i]} has shape [${f.shape}], expected [1, h, w, c]`);
    });
    const [scores, boxes] = (await Promise.all([s.data(), b.data()])) as [Float32Array, Float32Array];
    return { scores, boxes, numBoxes: s.shape[1]!, numClasses: s.shape[2]!, features };
  } catch (e) {
    tf.dispose(features);
    throw e;
  } finally {
    tf.dispose([s, b]);
  }
}
