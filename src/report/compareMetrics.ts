/**
 * What a compare measures, per task: the seam between a task (detection today; classification is
 * another task's to add) and compare's statistics and report, which read every metric name from
 * here instead of knowing AP.
 *
 * A run's result on a split holds one set of metric values per *family* (detection: `segm` — mask —
 * and `bbox`, each the keys of `balms eval --json`; a classification task might have one family)
 * and, per category, the category's value in each family (`perCategory[i][family]`, −1 where
 * undefined) with its frequency bucket. A summary key is `<family>.<metric>`; the paired bootstrap
 * of `<family>.<metric>` averages per-category differences over the categories of the metric's
 * bucket (all categories when it has none), so a metric with a bootstrap must be the mean over
 * (bucketed) categories of the per-category value — as LVIS AP/APr and balanced per-class
 * accuracy are.
 */

/** One family's metric values (−1: undefined). */
export type MetricValues = Record<string, number>;
/** Per family, its metric values; null when a run has none (a detector without masks). */
export type FamilyValues = Record<string, MetricValues | null>;

export interface CompareMetricSet {
  /** The task these metrics belong to (recorded in compare.json). */
  task: string;
  /** The families, in display order; `optional` ones may be null in a run. */
  families: ReadonlyArray<{ key: string; label: string; optional?: boolean }>;
  /** The metric keys shown in tables, in order (each family has them). */
  columns: readonly string[];
  /** The headline metric (mean over all categories). */
  headline: string;
  /**
   * Metrics that average one frequency bucket of categories (`perCategory[i].frequency`), with their
   * bucket, in chart order; `members` lists the buckets of a metric over a union of them
   * (classification's `tail`: the medium and few-shot classes).
   */
  buckets: ReadonlyArray<{ key: string; bucket: string; members?: readonly string[] }>;
  /** Metrics whose paired bootstrap against the baseline is reported, per family (headline or bucket keys). */
  bootstrap: readonly string[];
  /** The bucket that carries the claim (its bootstrap is the one the CLI table shows). */
  focus: string;
  /** What a metric value is, for axis labels ('AP', 'accuracy'). */
  unit: string;
}

/** LVIS detection: mask and box AP, with the rare / common / frequent buckets. */
export const DETECTION_METRICS: CompareMetricSet = {
  task: 'detection',
  families: [
    { key: 'segm', label: 'Mask', optional: true },
    { key: 'bbox', label: 'Box' },
  ],
  columns: ['AP', 'APr', 'APc', 'APf', 'AP50', 'AP75'],
  headline: 'AP',
  buckets: [
    { key: 'APr', bucket: 'r' },
    { key: 'APc', bucket: 'c' },
    { key: 'APf', bucket: 'f' },
  ],
  bootstrap: ['AP', 'APr'],
  focus: 'APr',
  unit: 'AP',
};

/**
 * Long-tailed classification (balanced test set): top-1 and the mean class accuracy of the shot
 * groups by training count — many (> 100), medium (20–100), few (< 20) — and `tail` (≤ 100: medium
 * and few together; on CIFAR-10-LT no class has < 20 images). Top-1 on a balanced set is the mean
 * of the per-class accuracies, so its paired bootstrap over classes is exact in form.
 */
export const CLASSIFICATION_METRICS: CompareMetricSet = {
  task: 'classification',
  families: [{ key: 'acc', label: 'Accuracy' }],
  columns: ['top1', 'many', 'medium', 'few', 'tail'],
  headline: 'top1',
  buckets: [
    { key: 'many', bucket: 'many' },
    { key: 'medium', bucket: 'medium' },
    { key: 'few', bucket: 'few' },
    { key: 'tail', bucket: 'tail', members: ['medium', 'few'] },
  ],
  bootstrap: ['top1', 'tail'],
  focus: 'tail',
  unit: 'accuracy',
};

/** The family's values in a result (a run's split, a summary's mean), or null. */
export function familyOf(values: object | null | undefined, family: string): MetricValues | null {
  const v = values ? (values as Record<string, unknown>)[family] : null;
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as MetricValues) : null;
}

/** The category buckets a metric averages over (null: all categories). */
export function metricBucket(set: CompareMetricSet, metric: string): readonly string[] | null {
  const b = set.buckets.find((x) => x.key === metric);
  return b ? (b.members ?? [b.bucket]) : null;
}

/** The bootstrap names of a set: `<family>.<metric>` for every family and bootstrap metric. */
export function bootstrapNames(set: CompareMetricSet): Array<{ name: string; family: string; bucket: readonly string[] | null }> {
  return set.families.flatMap((f) => set.bootstrap.map((m) => ({ name: `${f.key}.${m}`, family: f.key, bucket: metricBucket(set, m) })));
}
