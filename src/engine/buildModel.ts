/** Builds the detector and its classification loss from a training config and class statistics. */
import { lvisPriorCounts, type LvisCategoryTable, type LvisVersion, type NamedCategory } from '../coco/lvisCategoryTable.js';
import { createClassifierLoss, lossTraits, priorCountsOf, type ClassStats, type ClassifierLoss } from '../losses/index.js';
import { Detector, type DetectorModel } from '../modeling/index.js';
import type { GraphBackbone } from '../modeling/graph/graphBackbone.js';
import { GraphDetector } from '../modeling/graph/graphDetector.js';
import { proposalSourceOf } from './config/graphModelConfig.js';
import { pixelStatsOf } from './exampleTransforms.js';
import { sampledClassCounts, type IndexSampler } from '../sampling/index.js';
import { buildTrainSampler } from './buildSampler.js';
import type { TrainConfig } from './config/trainConfig.js';
import { runSeed } from './runSeeds.js';
import { BalmsInputError, BalmsInternalError } from '../util/errors.js';

/** Prior probability of the sigmoid family's initial class bias (RetinaNet / official LVIS: 0.01 / 0.001). */
const SIGMOID_PRIOR = 0.01;

export interface BuiltModel {
  detector: DetectorModel;
  loss: ClassifierLoss;
  /** The class statistics the loss's prior was built from (the dataset's, or as sampled). */
  lossStats: ClassStats;
}

/** What the loss's class statistics are computed from, beyond the dataset's own. */
export interface LossStatsSource {
  /** The training images' class sets (`priorCounts: 'sampled'`). */
  imageClasses?: readonly Int32Array[];
  /** The run's training sampler, when already built (else one is built from the config). */
  sampler?: IndexSampler;
  /** The training categories in class order (`priorCounts: 'lvis_v0.5' | 'lvis_v1'`). */
  categories?: readonly NamedCategory[];
  /** Reads an LVIS category table (`loadLvisCategoryTable` in Node; the page never needs it: checkpoints store the counts). */
  lvisTable?: (version: LvisVersion) => LvisCategoryTable;
  /** The statistics the loss was built from, as a checkpoint stores them: used as they are. */
  lossStats?: ClassStats;
}

/**
 * The class statistics a loss's prior is built from: the dataset's; with `loss.priorCounts:
 * 'sampled'` the image counts as the configured training sampler draws them (needs the training
 * images' class sets); with `'lvis_v0.5'` / `'lvis_v1'` the full LVIS training set's counts from
 * the tables in `data/` (needs the categories, matched by id and synset).
 */
export function lossClassStats(cfg: TrainConfig, stats: ClassStats, source: LossStatsSource = {}): ClassStats {
  if (source.lossStats) return source.lossStats;
  const prior = priorCountsOf(cfg.loss);
  if (prior === 'dataset') return stats;
  const k = stats.imageCount.length;
  if (prior === 'sampled') {
    const { imageClasses } = source;
    if (!imageClasses) throw new BalmsInternalError('loss.priorCounts "sampled" needs the training images\' classes');
    const sampler = source.sampler ?? buildTrainSampler(cfg, imageClasses, k);
    return { ...stats, imageCount: sampledClassCounts(imageClasses, sampler.expectedDraws(), k) };
  }
  if (!source.categories || !source.lvisTable) throw new BalmsInternalError(`loss.priorCounts "${prior}" needs the training categories and the LVIS table reader`);
  const file = cfg.data.synth.enabled ? 'the synthetic training set' : cfg.data.trainAnnotations;
  const table = lvisPriorCounts(source.lvisTable(prior === 'lvis_v1' ? 'v1' : 'v0.5'), source.categories, file);
  return { imageCount: table.imageCount, instanceCount: table.instanceCount ?? stats.instanceCount, numTrainImages: table.numTrainImages };
}

/**
 * The detector of a config: the built-in `Detector`, or (`model.type: "graph"`) a `GraphDetector`
 * on `backbone` (`loadConfigBackbone(cfg)`; the detector owns it and disposes it).
 */
export function buildModel(cfg: TrainConfig, numClasses: number, stats: ClassStats, source: LossStatsSource = {}, backbone?: GraphBackbone): BuiltModel {
  const lossStats = lossClassStats(cfg, stats, source);
  checkClassCounts(cfg, lossStats);
  const loss = createClassifierLoss(cfg.loss, lossStats);
  const common = {
    classifierLoss: loss,
    seed: runSeed(cfg, 'init'),
    samplingSeed: runSeed(cfg, 'detectorSampling'),
    clsBiasInit: loss.family === 'softmax' ? 0 : -Math.log((1 - SIGMOID_PRIOR) / SIGMOID_PRIOR),
  };
  const { type, preset: _p, modelUrl: _u, featureNodes: _f, inputSize: _i, proposals: _s, graphProposals: _g, featureChannels, featureCache, ...detectorConfig } = cfg.model;
  if (type === 'graph') {
    if (!backbone) throw new BalmsInternalError('buildModel: model.type "graph" needs the loaded graph (loadConfigBackbone)');
    const detector = new GraphDetector(backbone, { ...detectorConfig, numClasses }, { ...common, featureChannels, featureCache, proposals: proposalSourceOf(cfg.model), pixelStats: pixelStatsOf(cfg) });
    return { detector, loss, lossStats };
  }
  if (backbone) throw new BalmsInternalError('buildModel: a graph backbone for the built-in detector');
  return { detector: new Detector({ ...detectorConfig, numClasses }, common), loss, lossStats };
}

/**
 * A loss built on log class counts (or on effective numbers) cannot take a class with no training
 * images / instances unless `loss.smoothing` lifts it: reported with the annotation file, the class
 * and the knob to change, before the loss fails on an anonymous count.
 */
function checkClassCounts(cfg: TrainConfig, stats: ClassStats): void {
  const needs = lossTraits(cfg.loss).counts;
  if (!needs || needs.zeroAllowed) return;
  const { source, smoothable } = needs;
  const counts = source === 'instance_count' ? stats.instanceCount : stats.imageCount;
  for (let j = 0; j < counts.length; j++) {
    if (counts[j] === 0) {
      const file = cfg.data.synth.enabled ? 'the synthetic training set' : cfg.data.trainAnnotations;
      const fix = smoothable ? 'set loss.smoothing (e.g. 1) or drop the category' : 'give it training data or drop the category';
      throw new BalmsInputError(`the category at class index ${j} (#${j + 1} in id order) has ${source} 0 in ${file}: loss ${cfg.loss.type} needs every count > 0; ${fix}`, {
        path: smoothable ? 'loss.smoothing' : 'loss.countSource',
      });
    }
  }
}
