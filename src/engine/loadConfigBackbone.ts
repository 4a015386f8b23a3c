/** The frozen graph of a `model.type: "graph"` config, loaded from its local `model.json` (Node: reads files). */
import { loadGraphBackbone } from '../modeling/graph/loadGraphBackbone.js';
import type { GraphBackbone } from '../modeling/graph/graphBackbone.js';
import { graphSpecOf } from './config/graphModelConfig.js';
import type { TrainConfig } from './config/trainConfig.js';

/** The graph backbone of `cfg` (undefined for the built-in detector); the detector built on it owns it. */
export async function loadConfigBackbone(cfg: TrainConfig): Promise<GraphBackbone | undefined> {
  if (cfg.model.type !== 'graph') return undefined;
  return loadGraphBackbone(cfg.model.modelUrl, graphSpecOf(cfg.model), cfg.model.graphProposals);
}
