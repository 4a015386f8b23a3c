/**
 * `balms train` / `predict` / `eval` for "balms on coco-ssd": the frozen coco-ssd graph gives
 * features and proposals for each image at its own size; the laterals and RoI heads train on
 * LVIS-format data with the config's classification loss (Balanced Softmax by default), repeat
 * factor sampling and Adam or SGD; checkpoints hold the trained head only.
 */
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendPreference } from '../../backends/index.js';
import type { DetectionResult } from '../../coco/types.js';
import { classStatsFromDataset, DetectionDataset, type ExampleTransform } from '../../data/index.js';
import { evaluateLvis, type LvisStats } from '../../eval/index.js';
import { createClassifierLoss, isSoftmaxFamily, type ClassifierLossConfig } from '../../losses/index.js';
import { CocoSsdDetector, disposeFrozen, loadCocoSsd, type CocoSsdBase, type CocoSsdFeatureNode } from '../../modeling/cocoSsd/index.js';
import { toLvisResults } from '../../modeling/lvisResults.js';
import type { InstanceTargets } from '../../modeling/roiHeads.js';
import { RepeatFactorSampler } from '../../sampling/index.js';
import { Rng } from '../../util/rng.js';
import type { JsonObject } from '../config/configSchema.js';
import { MetricsLog } from '../metricsLog.js';
import { writeFileAtomic } from '../../util/atomicWrite.js';
import { headCategories, saveCocoSsdHead } from './cocoSsdCheckpoint.js';

/** Images as coco-ssd wants them: original size, 0–255, no normalisation. */
export const COCO_SSD_TEST_TRANSFORM: ExampleTransform = { shortSide: 0, maxSize: 0, flipProbability: 0, pixelStats: null };

export interface CocoSsdTrainResult {
  outputDir: string;
  checkpoint: string;
  iteration: number;
  backend: string;
  seconds: number;
  evaluation: { bbox: LvisStats; segm: LvisStats; imagesEvaluated: number } | null;
}

type Cfg = {
  seed: number; backend: string; outputDir: string;
  model: { base: CocoSsdBase; modelUrl: string; featureNodes: CocoSsdFeatureNode[]; featureChannels: number; trainProposals: JsonObject; testProposals: JsonObject; roiHeads: JsonObject };
  data: { trainAnnotations: string; trainImageDir: string; valAnnotations: string; valImageDir: string; flipProbability: number };
  loss: ClassifierLossConfig;
  sampler: { type: 'repeat_factor' | 'uniform'; repeatThreshold: number };
  solver: { optimizer: 'adam' | 'sgd'; baseLr: number; momentum: number; maxIter: number; imsPerBatch: number };
  checkpoint: { period: number };
  log: { period: number };
};

/** Detections of every image of `dataset`, as LVIS results records in each image's frame. */
export async function predictCocoSsdDataset(
  det: CocoSsdDetector,
  dataset: DetectionDataset,
  categoryIds: readonly number[],
  onProgress: (done: number) => void = () => {},
): Promise<DetectionResult[]> {
  const results: DetectionResult[] = [];
  const rng = new Rng(0);
  for (let i = 0; i < dataset.imageIds.length; i++) {
    const id = dataset.imageIds[i]!;
    const ex = await dataset.example(id, COCO_SSD_TEST_TRANSFORM, rng);
    const image = tf.tensor3d(ex.image, [ex.height, ex.width, 3]);
    try {
      const [pred] = await det.predict([image]);
      results.push(...toLvisResults(pred!, { imageId: id, imageSize: [ex.height, ex.width], categoryIds }));
    } finally {
      image.dispose();
    }
    onProgress(i + 1);
  }
  return results;
}

export async function trainCocoSsd(config: JsonObject, opts: { log?: (line: string) => void } = {}): Promise<CocoSsdTrainResult & { detector: CocoSsdDetector }> {
  const cfg = config as unknown as Cfg;
  const t0 = performance.now();
  const log = opts.log ?? ((line: string) => process.stderr.write(line + '\n'));
  const backend = await initBackend(cfg.backend as BackendPreference);
  const outputDir = resolve(cfg.outputDir);
  const train = await DetectionDataset.load(cfg.data.trainAnnotations, cfg.data.trainImageDir);
  const classStats = classStatsFromDataset(train.dataset);
  const categories = headCategories(train.dataset.categories);
  const { graph } = await loadCocoSsd({ modelUrl: cfg.model.modelUrl, base: cfg.model.base });
  const det = new CocoSsdDetector({
    graph,
    numClasses: categories.length,
    classifierLoss: createClassifierLoss(cfg.loss, classStats),
    clsBiasInit: isSoftmaxFamily(cfg.loss) ? 0 : -Math.log(99), // sigmoid family: prior 0.01, as buildModel
    base: cfg.model.base,
    ...(cfg.model.featureNodes.length ? { featureNodes: cfg.model.featureNodes } : {}),
    featureChannels: cfg.model.featureChannels,
    trainProposals: cfg.model.trainProposals,
    testProposals: cfg.model.testProposals,
    roiHeads: cfg.model.roiHeads,
    seed: cfg.seed,
  });
  const sampler = new RepeatFactorSampler({ imageCategories: train.imageClasses() }, { threshold: cfg.sampler.type === 'uniform' ? 0 : cfg.sampler.repeatThreshold, seed: cfg.seed + 11 });
  const optimizer = cfg.solver.optimizer === 'adam' ? tf.train.adam(cfg.solver.baseLr) : tf.train.momentum(cfg.solver.baseLr, cfg.solver.momentum);
  const transform: ExampleTransform = { ...COCO_SSD_TEST_TRANSFORM, flipProbability: cfg.data.flipProbability };
  const augment = new Rng(cfg.seed + 12);
  const metrics = new MetricsLog(join(outputDir, 'metrics.jsonl'));
  writeFileAtomic(join(outputDir, 'config.json'), JSON.stringify(config, null, 2) + '\n');
  const checkpoint = join(outputDir, 'model_final.ckpt');
  const save = (path: string, iteration: number) =>
    saveCocoSsdHead(path, det, {
      modelUrl: cfg.model.modelUrl, base: cfg.model.base, iteration, loss: cfg.loss, categories,
      classStats: { imageCount: Array.from(classStats.imageCount), instanceCount: Array.from(classStats.instanceCount), numTrainImages: classStats.numTrainImages },
      config: config as Record<string, unknown>,
    });
  log(`balms on coco-ssd (${cfg.model.base}, ${cfg.model.modelUrl}): ${categories.length} classes, ${train.imageIds.length} training images, backend ${backend}`);
  for (let it = 1; it <= cfg.solver.maxIter; it++) {
    const idx = sampler.take(cfg.solver.imsPerBatch);
    const examples = await Promise.all(Array.from(idx, (i) => train.example(train.imageIds[i]!, transform, augment)));
    const images = examples.map((ex) => tf.tensor3d(ex.image, [ex.height, ex.width, 3]));
    const targets: InstanceTargets[] = examples.map((ex) => ({ boxes: ex.boxes, classes: ex.classes, masks: ex.polygons }));
    const frozen = await det.frozen(images, true);
    tf.dispose(images);
    const values: Record<string, number> = {};
    const total = optimizer.minimize(() => {
      const losses = det.losses(frozen, targets);
      for (const [k, v] of Object.entries(losses)) values[k] = v.dataSync()[0]!;
      return tf.addN(Object.values(losses)) as tf.Scalar;
    }, true, det.variables());
    const totalLoss = total!.dataSync()[0]!;
    total!.dispose();
    disposeFrozen(frozen);
    if (it % cfg.log.period === 0 || it === cfg.solver.maxIter) {
      metrics.append({ iteration: it, total_loss: totalLoss, ...values });
      log(`iter ${it}/${cfg.solver.maxIter}  loss ${totalLoss.toFixed(4)}  ${Object.entries(values).map(([k, v]) => `${k} ${v.toFixed(4)}`).join('  ')}`);
    }
    if (it % cfg.checkpoint.period === 0 && it < cfg.solver.maxIter) save(join(outputDir, 'last.ckpt'), it);
  }
  save(checkpoint, cfg.solver.maxIter);
  save(join(outputDir, 'last.ckpt'), cfg.solver.maxIter);
  optimizer.dispose();
  let evaluation: CocoSsdTrainResult['evaluation'] = null;
  if (cfg.data.valAnnotations && cfg.data.valImageDir) {
    const val = await DetectionDataset.load(cfg.data.valAnnotations, cfg.data.valImageDir);
    const results = await predictCocoSsdDataset(det, val, categories.map((c) => c.id));
    writeFileAtomic(join(outputDir, 'val_results.json'), JSON.stringify(results) + '\n');
    const bbox = evaluateLvis(val.dataset, results, { iouType: 'bbox' }).stats;
    const segm = evaluateLvis(val.dataset, results, { iouType: 'segm' }).stats;
    evaluation = { bbox, segm, imagesEvaluated: val.imageIds.length };
    metrics.append({ iteration: cfg.solver.maxIter, eval: { bbox, segm } });
  }
  return { outputDir, checkpoint, iteration: cfg.solver.maxIter, backend, seconds: (performance.now() - t0) / 1000, evaluation, detector: det };
}
