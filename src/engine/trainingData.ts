/**
 * Resolves a config's data section into loaded datasets: the embedded synthetic dataset (generated on
 * first use) or LVIS/COCO files, validated through src/coco; plus the training-set class statistics
 * the losses and samplers need.
 */
import { BalmsInputError } from '../util/errors.js';
import { categoryStats, frequencyOfImageCount, LVIS_FREQUENCY_THRESHOLDS, loadLvisDataset, type CategoryStat, type LvisCategory, type LvisDataset } from '../coco/index.js';
import { DetectionDataset, ensureSynthDataset, type SynthSummary } from '../data/index.js';
import type { ClassStats } from '../losses/index.js';
import type { TrainConfig } from './config/trainConfig.js';

export interface TrainingData {
  train: DetectionDataset;
  trainFile: string;
  /** The val annotations (ground truth for evaluation), when configured. */
  val: DetectionDataset | null;
  valFile: string | null;
  /** The held-out test split, when configured (not used by training itself). */
  test: DetectionDataset | null;
  testFile: string | null;
  /** Training categories sorted by id; index = contiguous class. */
  categories: LvisCategory[];
  /** Per contiguous class, recomputed from the training annotations. */
  classStats: ClassStats;
  /** Per training image (dataset order), its contiguous classes. */
  imageClasses: Int32Array[];
  synth: SynthSummary | null;
}

export interface DataPaths {
  trainAnnotations: string;
  trainImageDir: string;
  valAnnotations: string | null;
  valImageDir: string | null;
  testAnnotations: string | null;
  testImageDir: string | null;
  synth: SynthSummary | null;
}

/** Where the data lives: the synthetic dataset's folder (generated if missing) or the configured files. */
export async function resolveDataPaths(cfg: TrainConfig, log: (line: string) => void = () => {}): Promise<DataPaths> {
  const d = cfg.data;
  if (d.synth.enabled) {
    const s = d.synth;
    const { enabled: _e, cacheDir, ...options } = s;
    const summary = await ensureSynthDataset(options, cacheDir || undefined, log);
    return {
      trainAnnotations: summary.trainJson,
      trainImageDir: summary.trainImageDir,
      valAnnotations: summary.valJson,
      valImageDir: summary.valImageDir,
      testAnnotations: summary.testJson ?? null,
      testImageDir: summary.testImageDir ?? null,
      synth: summary,
    };
  }
  return {
    trainAnnotations: d.trainAnnotations,
    trainImageDir: d.trainImageDir,
    valAnnotations: d.valAnnotations || null,
    valImageDir: d.valImageDir || null,
    testAnnotations: d.testAnnotations || null,
    testImageDir: d.testImageDir || null,
    synth: null,
  };
}

/** Loads (and validates) the datasets of a config. */
export async function loadTrainingData(cfg: TrainConfig, log: (line: string) => void = () => {}): Promise<TrainingData> {
  const paths = await resolveDataPaths(cfg, log);
  const trainJson = await loadLvisDataset(paths.trainAnnotations);
  const train = new DetectionDataset(trainJson, paths.trainImageDir, paths.trainAnnotations);
  let val: DetectionDataset | null = null;
  if (paths.valAnnotations && paths.valImageDir) {
    const valJson = await loadLvisDataset(paths.valAnnotations);
    val = new DetectionDataset(valJson, paths.valImageDir, paths.valAnnotations);
  }
  let test: DetectionDataset | null = null;
  if (paths.testAnnotations && paths.testImageDir) {
    const testJson = await loadLvisDataset(paths.testAnnotations);
    test = new DetectionDataset(testJson, paths.testImageDir, paths.testAnnotations);
  }
  const stats = categoryStats(trainJson);
  for (const [ds, file] of [[val, paths.valAnnotations], [test, paths.testAnnotations]] as const) {
    if (ds) bucketCategories(ds.dataset, stats.perCategory, cfg.data.frequencyThresholds as [number, number], file!);
  }
  const annotated = new Set(trainJson.annotations.map((a) => a.image_id)).size;
  const classStats: ClassStats = {
    imageCount: stats.perCategory.map((c) => c.image_count),
    instanceCount: stats.perCategory.map((c) => c.instance_count),
    numTrainImages: annotated,
  };
  return {
    train,
    trainFile: paths.trainAnnotations,
    val,
    valFile: paths.valAnnotations,
    test,
    testFile: paths.testAnnotations,
    categories: trainJson.categories.slice().sort((a, b) => a.id - b.id),
    classStats,
    imageClasses: train.imageClasses(),
    synth: paths.synth,
  };
}

/** The val ground truth as loaded (for the evaluator). */
export function valGroundTruth(data: TrainingData): LvisDataset | null {
  return data.val ? data.val.dataset : null;
}

/**
 * Val / test categories without a `frequency` (COCO-format files) get the LVIS-style bucket of
 * their training image count under `thresholds` (a category absent from training: r). A file that
 * has its own buckets keeps them, and then thresholds other than LVIS's would be ignored: rejected.
 */
function bucketCategories(gt: LvisDataset, train: readonly CategoryStat[], thresholds: [number, number], file: string): void {
  const own = gt.categories.filter((c) => c.frequency !== undefined).length;
  if (own === gt.categories.length) {
    if (thresholds[0] !== LVIS_FREQUENCY_THRESHOLDS[0] || thresholds[1] !== LVIS_FREQUENCY_THRESHOLDS[1]) {
      throw new BalmsInputError(`the file gives every category its own frequency: data.frequencyThresholds ${JSON.stringify(thresholds)} would be ignored (leave it at [10, 100])`, { file, path: 'data.frequencyThresholds' });
    }
    return;
  }
  if (own > 0) throw new BalmsInputError(`${own} of ${gt.categories.length} categories have a frequency: give it to all or none`, { file, path: 'categories' });
  const count = new Map(train.map((c) => [c.id, c.image_count]));
  for (const c of gt.categories) c.frequency = frequencyOfImageCount(count.get(c.id) ?? 0, thresholds);
}
