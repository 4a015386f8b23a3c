/**
 * The splits of a classification run, from `data.root`: a balanced val split carved from the full
 * train split (`data.valPerClass` per class), the long-tailed training subset of the rest (official
 * exponential profile, or the images of `data.subsetList`), and the test split when the final
 * evaluation asks for it. The training subset's list is written to the output folder so the run
 * can be reproduced (`--set data.subsetList=<outputDir>/train_subset.txt`).
 */
import { join } from 'node:path';
import {
  carveValidation,
  classCounts,
  loadClassificationSplit,
  longTailedSubset,
  readSubsetList,
  subsetOf,
  writeSubsetList,
  type ImageClassificationSet,
} from '../../data/classification/index.js';
import type { ClassStats } from '../../losses/index.js';
import type { ClassificationTrainConfig } from '../config/classificationConfig.js';

export interface ClassificationData {
  classNames: string[];
  train: ImageClassificationSet;
  /** Carved from train before the long-tailed subset (null with data.valPerClass 0). */
  val: ImageClassificationSet | null;
  /** Loaded only when the final evaluation is on the test split. */
  test: ImageClassificationSet | null;
  /** Training images per class (what the loss priors and the shot groups read). */
  trainCounts: Int32Array;
}

/** The file the training subset's list is written to, in the output folder. */
export const SUBSET_LIST_FILE = 'train_subset.txt';

/** Splits already in memory (tests, callers with their own readers) arranged as a run's data. */
export function classificationDataOf(train: ImageClassificationSet, val: ImageClassificationSet | null, test: ImageClassificationSet | null): ClassificationData {
  return { classNames: train.classNames, train, val, test, trainCounts: classCounts(train.labels, train.classNames.length) };
}

/** Reads and arranges the splits of `cfg.data` (see the file comment). */
export async function loadClassificationData(cfg: ClassificationTrainConfig, outputDir: string, log: (line: string) => void): Promise<ClassificationData> {
  const d = cfg.data;
  const opts = { ...(d.cacheDir ? { cacheDir: d.cacheDir } : {}), log };
  const full = await loadClassificationSplit(d.root, 'train', opts);
  const seed = d.seed;
  let pool = full, val: ImageClassificationSet | null = null;
  if (d.valPerClass > 0) {
    const carved = carveValidation(full, { perClass: d.valPerClass, seed });
    pool = subsetOf(full, carved.train);
    val = subsetOf(full, carved.val);
  }
  const picked = d.subsetList
    ? readSubsetList(d.subsetList, pool)
    : longTailedSubset(pool, { imbalanceFactor: d.imbalanceFactor, seed, ...(d.nMax > 0 ? { nMax: d.nMax } : {}) });
  const train = subsetOf(pool, picked);
  writeSubsetList(join(outputDir, SUBSET_LIST_FILE), pool, picked);
  const test = cfg.eval.split === 'test' ? await loadClassificationSplit(d.root, 'test', opts) : null;
  const data = classificationDataOf(train, val, test);
  log(`classification data: ${train.labels.length} training images (${Array.from(data.trainCounts).join('/')} per class), ${val ? val.labels.length : 0} val, ${test ? test.labels.length : 0} test`);
  return data;
}

/** The loss's class statistics: one label per image, so image and instance counts agree. */
export function classificationStats(data: ClassificationData): ClassStats {
  return { imageCount: data.trainCounts, instanceCount: data.trainCounts, numTrainImages: data.train.labels.length };
}
