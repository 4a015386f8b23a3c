/**
 * The training config's knobs for `model.type: "graph"`: a frozen tfjs GraphModel read from a
 * local `model.json` (`model.modelUrl`) gives the feature maps (`model.featureNodes`, or a
 * `model.preset`'s) — and, with a preset that decodes them, proposals (`model.proposals`) — to a
 * trainable RPN and balms's RoI heads. With the built-in detector (`model.type: "detector"`) these
 * knobs must stay at their defaults, and with a graph the built-in backbone / FPN knobs must.
 */
import type { GraphProposalSource } from '../../modeling/graph/graphDetector.js';
import { checkGraphSpec, graphPresetSpec, type GraphBackboneSpec, type GraphFeatureNode, type GraphPreset } from '../../modeling/graph/graphSpec.js';
import { defaultDetectorConfig, validateDetectorConfig, type DetectorConfig } from '../../modeling/index.js';
import { BalmsInputError } from '../../util/errors.js';

export interface GraphModelKnobs {
  /** `detector`: balms's own backbone (trained); `graph`: a frozen tfjs GraphModel backbone. */
  type: 'detector' | 'graph';
  /** A known graph (`coco-ssd`, `coco-ssd/ssd_mobilenet_v2`, `coco-ssd/ssd_mobilenet_v1`, `centernet`) or '' (name the nodes). */
  preset: '' | GraphPreset;
  /** A local folder holding `model.json` (or the `model.json` path): nothing is downloaded. */
  modelUrl: string;
  /** `[{ name, stride }]` finest first, strides doubling; [] = the preset's. */
  featureNodes: GraphFeatureNode[];
  /** The graph's fixed input `[h, w]` (images are resized to it); [] = the preset's, or any size. */
  inputSize: number[];
  /** Proposal source: the graph's outputs, a trainable RPN on the frozen maps, or both; '' = the preset's default. */
  proposals: '' | GraphProposalSource;
  /** The graph's own proposals: top-k after class-agnostic NMS at `nmsThreshold`, above `minScore`. */
  graphProposals: { topK: number; nmsThreshold: number; minScore: number };
  /** Width each frozen map is projected to by its trainable 1×1 conv. */
  featureChannels: number;
  /** Keep the graph's outputs of up to this many distinct images in memory (0: off); see `GraphDetectorOptions.featureCache`. */
  featureCache: number;
}

export const GRAPH_MODEL_DEFAULTS: GraphModelKnobs = {
  type: 'detector',
  preset: '',
  modelUrl: '',
  featureNodes: [],
  inputSize: [],
  proposals: '',
  graphProposals: { topK: 1000, nmsThreshold: 0.7, minScore: 0 },
  featureChannels: 64,
  featureCache: 0,
};

export const GRAPH_MODEL_CHOICES = {
  'model.type': ['detector', 'graph'],
  'model.preset': ['', 'coco-ssd', 'coco-ssd/ssdlite_mobilenet_v2', 'coco-ssd/ssd_mobilenet_v2', 'coco-ssd/ssd_mobilenet_v1', 'centernet'],
  'model.proposals': ['', 'graph', 'rpn', 'graph+rpn'],
} as const;

/** The graph backbone a config describes (preset overlaid with the config's own nodes and input). */
export function graphSpecOf(m: GraphModelKnobs): GraphBackboneSpec {
  const base: GraphBackboneSpec = m.preset
    ? graphPresetSpec(m.preset)
    : { inputSize: null, internalFrame: null, inputDtype: 'float32', featureNodes: [], proposalDecoder: 'none', proposalNodes: [] };
  return {
    ...base,
    ...(m.featureNodes.length ? { featureNodes: m.featureNodes.map((n) => ({ ...n })) } : {}),
    ...(m.inputSize.length ? { inputSize: [m.inputSize[0]!, m.inputSize[1]!] as [number, number] } : {}),
  };
}

/** The proposal source a config means ('' → the graph's own proposals plus an RPN where the graph decodes proposals, else the RPN). */
export function proposalSourceOf(m: GraphModelKnobs): GraphProposalSource {
  if (m.proposals) return m.proposals;
  return graphSpecOf(m).proposalDecoder === 'none' ? 'rpn' : 'graph+rpn';
}

/** Checks the graph knobs of a model section (and, for a graph, validates the detector knobs it uses). */
export function checkGraphModelConfig(model: DetectorConfig & GraphModelKnobs, file?: string): void {
  const bad = (key: string, problem: string): never => {
    throw new BalmsInputError(problem, { file, path: `model.${key}` });
  };
  const d = GRAPH_MODEL_DEFAULTS as unknown as Record<string, unknown>;
  if (model.type === 'detector') {
    for (const k of Object.keys(d)) {
      if (k !== 'type' && JSON.stringify((model as unknown as Record<string, unknown>)[k]) !== JSON.stringify(d[k])) bad(k, 'is a knob of model.type "graph" (the built-in detector would ignore it)');
    }
    validateDetectorConfig({ ...model, numClasses: 1 }, { file, prefix: 'model.' });
    return;
  }
  const builtin = defaultDetectorConfig(1);
  for (const k of ['backbone', 'fpn'] as const) {
    if (JSON.stringify(model[k]) !== JSON.stringify(builtin[k])) bad(k, 'is a knob of the built-in detector: with model.type "graph" the graph is the backbone (name its model.featureNodes)');
  }
  if (!model.modelUrl) bad('modelUrl', 'give the local folder (or model.json path) of the graph model; nothing is downloaded');
  if (/^[a-z]+:\/\//i.test(model.modelUrl) && !model.modelUrl.startsWith('file://')) bad('modelUrl', 'only local files are read: give a folder or a model.json path');
  if (model.inputSize.length !== 0 && model.inputSize.length !== 2) bad('inputSize', 'must be [h, w] or []');
  if (!(Number.isInteger(model.featureChannels) && model.featureChannels >= 1)) bad('featureChannels', 'must be a positive integer');
  if (!(Number.isInteger(model.featureCache) && model.featureCache >= 0)) bad('featureCache', 'must be a whole number of images (0: off)');
  const g = model.graphProposals;
  if (!(Number.isInteger(g.topK) && g.topK >= 1)) bad('graphProposals.topK', 'must be a positive integer');
  if (!(g.nmsThreshold > 0 && g.nmsThreshold <= 1)) bad('graphProposals.nmsThreshold', 'must be in (0, 1]');
  const spec = graphSpecOf(model);
  checkGraphSpec(spec, { file, prefix: 'model.' });
  const source = proposalSourceOf(model);
  if (source !== 'rpn' && spec.proposalDecoder === 'none') bad('proposals', `the graph's outputs are decoded into proposals only for a preset: use "rpn" with your own graph`);
  const levels = spec.featureNodes.length;
  if (source !== 'graph' && model.anchors.sizes.length !== levels) bad('anchors.sizes', `has ${model.anchors.sizes.length} levels, the graph's feature nodes ${levels}`);
  validateDetectorConfig({ ...detectorKnobsOf(model), numClasses: 1 }, { file, prefix: 'model.' });
}

/**
 * The knobs the detector checks see: for a graph, its pyramid (one level per feature node) in place
 * of the built-in backbone / FPN it does not use, and (without an RPN) anchors that fit it.
 */
export function detectorKnobsOf<M extends Omit<DetectorConfig, 'numClasses'> & GraphModelKnobs>(model: M): M {
  if (model.type !== 'graph') return model;
  const spec = graphSpecOf(model);
  const levels = Math.max(spec.featureNodes.length, 1);
  const stageChannels = Array.from({ length: levels }, () => model.featureChannels);
  const anchors = proposalSourceOf(model) === 'graph' ? { ...model.anchors, sizes: stageChannels.map(() => model.anchors.sizes[0]!) } : model.anchors;
  return { ...model, backbone: { ...model.backbone, stageChannels }, fpn: { enabled: true, channels: model.featureChannels, inStages: stageChannels.map((_, i) => i) }, anchors };
}
