/**
 * Checkpoints of "balms on coco-ssd" hold only what balms trained — the laterals and the RoI
 * heads — plus the coco-ssd model they need (`cocoSsd.modelUrl`, base, feature nodes and widths),
 * the training categories and class statistics, and the resolved config. coco-ssd's own weights
 * stay in its folder. `kind: "balms-coco-ssd-head"` tells them from a balms `Detector` checkpoint.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import type { LvisCategory } from '../../coco/types.js';
import { createClassifierLoss, type ClassifierLossConfig, type ClassStats } from '../../losses/index.js';
import { CocoSsdDetector, loadCocoSsd, type CocoSsdBase, type CocoSsdFeatureNode } from '../../modeling/cocoSsd/index.js';
import type { RoiHeadsConfig } from '../../modeling/config.js';
import type { ProposalOptions } from '../../modeling/cocoSsd/cocoSsdProposals.js';
import { BalmsInputError } from '../../util/errors.js';
import { loadCheckpoint, saveCheckpoint } from '../checkpoint.js';
import { CHECKPOINT_MAGIC, CHECKPOINT_MAGIC_V1, CHECKPOINT_PREFIX } from '../checkpointFormat.js';
import type { CheckpointCategory } from '../index.js';

export const COCO_SSD_CHECKPOINT_KIND = 'balms-coco-ssd-head';

export interface CocoSsdHeadMeta {
  kind: typeof COCO_SSD_CHECKPOINT_KIND;
  iteration: number;
  cocoSsd: { modelUrl: string; base: CocoSsdBase; featureNodes: CocoSsdFeatureNode[]; featureChannels: number; featureWidths: number[] };
  trainProposals: ProposalOptions;
  testProposals: ProposalOptions;
  roiHeads: RoiHeadsConfig;
  loss: ClassifierLossConfig;
  classStats: { imageCount: number[]; instanceCount: number[]; numTrainImages: number };
  categories: CheckpointCategory[];
  config: Record<string, unknown>;
}

/** The training categories in class-index order (ascending id, as `CategoryMap`). */
export function headCategories(categories: readonly LvisCategory[]): CheckpointCategory[] {
  return [...categories].sort((a, b) => a.id - b.id).map((c) => ({ id: c.id, name: c.name, ...(c.frequency !== undefined ? { frequency: c.frequency } : {}) }));
}

export function saveCocoSsdHead(path: string, det: CocoSsdDetector, meta: Omit<CocoSsdHeadMeta, 'kind' | 'cocoSsd' | 'roiHeads' | 'trainProposals' | 'testProposals'> & { modelUrl: string; base: CocoSsdBase }): void {
  const widths = det.featureWidths();
  if (!widths) throw new BalmsInputError('saveCocoSsdHead: the detector has not run yet (no feature widths)');
  const { modelUrl, base, ...rest } = meta;
  const full: CocoSsdHeadMeta = {
    kind: COCO_SSD_CHECKPOINT_KIND,
    ...rest,
    cocoSsd: { modelUrl, base, featureNodes: det.featureNodes, featureChannels: det.featureChannels, featureWidths: widths },
    trainProposals: det.trainProposals,
    testProposals: det.testProposals,
    roiHeads: det.roiHeads.cfg,
  };
  saveCheckpoint(path, full as unknown as Record<string, unknown>, det.namedVariables());
}

/** Whether `path` is a coco-ssd head checkpoint (reads the header only). */
export function isCocoSsdCheckpoint(path: string): boolean {
  try {
    const buf = readFileSync(path);
    const magic = buf.toString('latin1', 0, CHECKPOINT_MAGIC.length);
    if (magic !== CHECKPOINT_MAGIC && magic !== CHECKPOINT_MAGIC_V1) return false;
    // version 1: magic | length | header; version 2: magic | length | CRC-32 | header
    const start = magic === CHECKPOINT_MAGIC_V1 ? CHECKPOINT_MAGIC_V1.length + 4 : CHECKPOINT_PREFIX;
    const len = buf.readUInt32LE(CHECKPOINT_MAGIC.length);
    const header = JSON.parse(buf.toString('utf8', start, start + len)) as { meta?: { kind?: unknown } };
    return header.meta?.kind === COCO_SSD_CHECKPOINT_KIND;
  } catch {
    return false;
  }
}

export interface LoadedCocoSsdHead {
  detector: CocoSsdDetector;
  meta: CocoSsdHeadMeta;
  categories: CheckpointCategory[];
  iteration: number;
}

/**
 * Rebuilds the detector from a head checkpoint: loads the coco-ssd model it names (or `modelUrl`,
 * e.g. after moving the folder) and the trained weights.
 */
export async function loadCocoSsdHead(
  path: string,
  opts: { modelUrl?: string; scoreThreshold?: number; detectionsPerImage?: number } = {},
): Promise<LoadedCocoSsdHead> {
  const { meta, tensors } = loadCheckpoint(path);
  try {
    if (meta['kind'] !== COCO_SSD_CHECKPOINT_KIND) throw new BalmsInputError('not a balms-on-coco-ssd checkpoint', { file: path, path: 'kind' });
    const m = meta as unknown as CocoSsdHeadMeta;
    const modelUrl = opts.modelUrl ?? m.cocoSsd.modelUrl;
    const { graph } = await loadCocoSsd({ modelUrl, base: m.cocoSsd.base });
    const stats: ClassStats = m.classStats;
    const roiHeads = { ...m.roiHeads };
    if (opts.scoreThreshold !== undefined) roiHeads.scoreThreshold = opts.scoreThreshold;
    if (opts.detectionsPerImage !== undefined) roiHeads.detectionsPerImage = opts.detectionsPerImage;
    const detector = new CocoSsdDetector({
      graph,
      numClasses: m.categories.length,
      classifierLoss: createClassifierLoss(m.loss, stats),
      base: m.cocoSsd.base,
      featureNodes: m.cocoSsd.featureNodes,
      featureChannels: m.cocoSsd.featureChannels,
      featureWidths: m.cocoSsd.featureWidths,
      trainProposals: m.trainProposals,
      testProposals: m.testProposals,
      roiHeads,
    });
    try {
      detector.store.assign(tensors);
    } catch (e) {
      detector.dispose();
      graph.dispose();
      throw new BalmsInputError(`weights do not fit the model the header describes: ${(e as Error).message}`, { file: path });
    }
    return { detector, meta: m, categories: m.categories, iteration: m.iteration };
  } finally {
    tf.dispose([...tensors.values()]);
  }
}
