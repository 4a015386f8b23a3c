/**
 * The training config of "balms on coco-ssd" (`model.type: "coco_ssd"`): a JSON file with `_base_`
 * inheritance and `--set` overrides like every balms config, validated key by key against the
 * defaults below (an unknown key or a wrong type names the file and the key).
 */
import { validateConfig, type JsonObject } from '../config/configSchema.js';
import { loadConfigFile } from '../config/loadConfigFile.js';
import { deepMerge, getPath, parseSetOverrides } from '../config/mergeConfig.js';
import { localModelUrl } from '../../modeling/cocoSsd/localModel.js';
import { BalmsInputError } from '../../util/errors.js';

export const COCO_SSD_CONFIG_DEFAULTS: JsonObject = {
  seed: 0,
  backend: 'auto',
  outputDir: 'runs/coco_ssd',
  model: {
    type: 'coco_ssd',
    /** coco-ssd base: lite_mobilenet_v2, mobilenet_v2 or mobilenet_v1 (picks the default feature nodes). */
    base: 'lite_mobilenet_v2',
    /** A local folder (or model.json path) holding the coco-ssd model; nothing is downloaded. */
    modelUrl: '',
    /** `[{ name, stride }]` feature maps for RoIAlign; [] = the base's defaults. */
    featureNodes: [],
    featureChannels: 64,
    trainProposals: { topK: 1000, nmsThreshold: 0.7, minScore: 0 },
    testProposals: { topK: 1000, nmsThreshold: 0.7, minScore: 0 },
    /** Any subset of the RoI-head settings (see `RoiHeadsConfig`). */
    roiHeads: {},
  },
  data: { trainAnnotations: '', trainImageDir: '', valAnnotations: '', valImageDir: '', flipProbability: 0.5 },
  /** A `createClassifierLoss` config (`type` plus that loss's knobs). */
  loss: { type: 'balanced_softmax' },
  sampler: { type: 'repeat_factor', repeatThreshold: 0.001 },
  solver: { optimizer: 'adam', baseLr: 0.001, momentum: 0.9, maxIter: 1000, imsPerBatch: 2 },
  checkpoint: { period: 500 },
  log: { period: 20 },
};

const CHOICES = {
  'model.type': ['coco_ssd'],
  'model.base': ['lite_mobilenet_v2', 'mobilenet_v2', 'mobilenet_v1'],
  'sampler.type': ['repeat_factor', 'uniform'],
  'solver.optimizer': ['adam', 'sgd'],
};
const OPEN = ['model.roiHeads', 'model.featureNodes', 'loss'];

/** Whether a config file (after `_base_` inheritance) is a coco-ssd one (`model.type: "coco_ssd"`). */
export function isCocoSsdConfigFile(file: string): boolean {
  return getPath(loadConfigFile(file), 'model.type') === 'coco_ssd';
}

/** Defaults ← file(s) ← `--set` overrides ← `overrides`, validated. */
export function resolveCocoSsdConfig(input: { file?: string; sets?: readonly string[]; overrides?: JsonObject }): JsonObject {
  let cfg = COCO_SSD_CONFIG_DEFAULTS;
  if (input.file) {
    const own = loadConfigFile(input.file);
    validateConfig(own, COCO_SSD_CONFIG_DEFAULTS, { file: input.file, choices: CHOICES, open: OPEN });
    cfg = deepMerge(cfg, own, ['loss']);
  }
  const sets = parseSetOverrides(input.sets ?? []);
  validateConfig(sets, COCO_SSD_CONFIG_DEFAULTS, { file: '--set', choices: CHOICES, open: OPEN });
  cfg = deepMerge(deepMerge(cfg, sets, ['loss']), input.overrides ?? {});
  const need = (path: string, what: string) => {
    if (!getPath(cfg, path)) throw new BalmsInputError(`${path} is empty: ${what}`, { file: input.file ?? '--set' });
  };
  need('model.modelUrl', 'give the local folder of the coco-ssd model (model.json + weight shards)');
  try {
    localModelUrl(getPath(cfg, 'model.modelUrl') as string);
  } catch (e) {
    throw new BalmsInputError((e as Error).message, { file: input.file ?? '--set', path: 'model.modelUrl' });
  }
  need('data.trainAnnotations', 'give the LVIS/COCO training annotations');
  need('data.trainImageDir', 'give the training image folder');
  const solver = cfg['solver'] as JsonObject;
  for (const k of ['maxIter', 'imsPerBatch'] as const) {
    if (!(Number.isInteger(solver[k]) && (solver[k] as number) >= 1)) throw new BalmsInputError(`solver.${k} must be a positive integer, got ${JSON.stringify(solver[k])}`, { file: input.file });
  }
  if (!((solver['baseLr'] as number) > 0)) throw new BalmsInputError(`solver.baseLr must be > 0`, { file: input.file });
  return cfg;
}
