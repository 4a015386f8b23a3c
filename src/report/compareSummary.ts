/**
 * The summary of a `balms compare`: per method, its runs, the mean and standard deviation over
 * seeds of every metric, and the paired bootstrap interval of its difference to the baseline on the
 * task's bootstrap metrics (detection: AP and APr, mask and box), as written to `compare.json`. The
 * metric names come from the task's {@link CompareMetricSet}.
 */
import { bootstrapNames, DETECTION_METRICS, familyOf, type CompareMetricSet, type FamilyValues, type MetricValues } from './compareMetrics.js';
import { mean, pairedBootstrap, sampleStd, type BootstrapInterval } from './compareStatistics.js';

export interface CompareCategory {
  id: number;
  name: string;
  /** The category's frequency bucket (detection: LVIS 'r' / 'c' / 'f'). */
  frequency: string | null;
  /** Training images of the category (the dataset's image_count). */
  trainImages: number;
  /** Per family (detection: `bbox`, `segm`), the category's value (−1: undefined). */
  [family: string]: number | string | null;
}

/** A run's result on one split: per family its metric values (detection: `bbox`, `segm`), and per category. */
export interface CompareSplitResult {
  perCategory: CompareCategory[];
  [family: string]: MetricValues | null | CompareCategory[];
}

export interface CompareRun {
  method: string;
  seed: number;
  seconds: number;
  backend: string;
  val: CompareSplitResult | null;
  test: CompareSplitResult;
}

/** One run in compare.json: its test-split families beside `seed`, `perCategory`, `seconds` and the val families. */
export interface CompareRunSummary {
  seed: number;
  seconds: number;
  perCategory: CompareCategory[];
  val: FamilyValues | null;
  [family: string]: MetricValues | FamilyValues | CompareCategory[] | number | null;
}

export interface CompareMethodSummary {
  name: string;
  summary: string;
  config: string;
  /** Stage-2 methods: the stage-1 method they start from. */
  from: string | null;
  /** Test-split results; detection's `bbox`/`segm` hold the keys of `balms eval --json`. */
  runs: CompareRunSummary[];
  mean: FamilyValues;
  std: FamilyValues;
  /** Val-split means (what settings are chosen on). */
  valMean: FamilyValues | null;
  /** Paired bootstrap of (method − baseline) on the test split, per `<family>.<metric>`; absent for the baseline itself. */
  vsBaseline: Record<string, BootstrapInterval> | null;
  /** Mean training seconds per run (stage 2: the stage-2 run only). */
  seconds: number;
}

export interface CompareSummary {
  split: 'test';
  /** The task whose metrics these are, and the metric set itself (what the report shows). */
  task: string;
  metrics: CompareMetricSet;
  preset: string;
  baseline: string;
  seeds: number;
  complete: boolean;
  methods: CompareMethodSummary[];
}

export interface CompareInput {
  /** The task's metric set (default: detection). */
  metrics?: CompareMetricSet;
  preset: string;
  baseline: string;
  seeds: number;
  complete: boolean;
  methods: Array<{ name: string; summary: string; config: string; from: string | null; runs: CompareRun[] }>;
}

/** Per-key mean (or std) over runs of one family's values; −1 (undefined) stays −1 when every run has it so. */
function reduceValues(list: MetricValues[], f: (v: number[]) => number): MetricValues {
  const out: MetricValues = {};
  for (const k of Object.keys(list[0]!)) {
    const vals = list.map((s) => s[k]!).filter((v) => v >= 0);
    out[k] = vals.length ? f(vals) : -1;
  }
  return out;
}

/** Per family of the set, the reduction over splits; a family missing from any split is null. */
function reduceFamilies(set: CompareMetricSet, splits: object[], f: (v: number[]) => number): FamilyValues {
  const out: FamilyValues = {};
  for (const { key } of set.families) {
    const list = splits.map((s) => familyOf(s, key));
    out[key] = list.length === 0 || list.some((v) => v === null) ? null : reduceValues(list as MetricValues[], f);
  }
  return out;
}

function familiesOf(set: CompareMetricSet, split: object): FamilyValues {
  return Object.fromEntries(set.families.map(({ key }) => [key, familyOf(split, key)]));
}

/** The per-category values (one row per run) of the categories of the buckets (all when null). */
function categoryRows(runs: CompareRun[], family: string, bucket: readonly string[] | null): { ids: number[]; rows: number[][] } {
  const value = (c: CompareCategory) => (typeof c[family] === 'number' ? (c[family] as number) : -1);
  const first = runs[0]!.test.perCategory.filter((c) => (bucket === null || (c.frequency !== null && bucket.includes(c.frequency))) && value(c) >= 0);
  const ids = first.map((c) => c.id);
  const rows = runs.map((r) => {
    const byId = new Map(r.test.perCategory.map((c) => [c.id, value(c)]));
    return ids.map((id) => Math.max(0, byId.get(id) ?? 0));
  });
  return { ids, rows };
}

export function summarizeCompare(input: CompareInput): CompareSummary {
  const set = input.metrics ?? DETECTION_METRICS;
  const base = input.methods.find((m) => m.name === input.baseline);
  const methods = input.methods.map((m): CompareMethodSummary => {
    const runs = m.runs.slice().sort((a, b) => a.seed - b.seed);
    const have = runs.length > 0;
    let vsBaseline: CompareMethodSummary['vsBaseline'] = null;
    if (have && base && m.name !== base.name) {
      const baseRuns = base.runs.filter((r) => runs.some((x) => x.seed === r.seed)).sort((a, b) => a.seed - b.seed);
      const mine = runs.filter((r) => baseRuns.some((x) => x.seed === r.seed));
      if (mine.length > 0) {
        vsBaseline = {};
        for (const { name, family, bucket } of bootstrapNames(set)) {
          if (mine.some((r) => !familyOf(r.test, family))) continue;
          const a = categoryRows(mine, family, bucket), b = categoryRows(baseRuns, family, bucket);
          if (a.ids.length === 0 || a.ids.join() !== b.ids.join()) continue;
          vsBaseline[name] = pairedBootstrap(a.rows, b.rows, { seed: 0 });
        }
      }
    }
    const test = runs.map((r) => r.test);
    const vals = runs.map((r) => r.val);
    const none = () => Object.fromEntries(set.families.map(({ key }) => [key, null])) as FamilyValues;
    return {
      name: m.name,
      summary: m.summary,
      config: m.config,
      from: m.from,
      runs: runs.map((r): CompareRunSummary => ({ seed: r.seed, ...familiesOf(set, r.test), perCategory: r.test.perCategory, seconds: r.seconds, val: r.val ? familiesOf(set, r.val) : null })),
      mean: have ? reduceFamilies(set, test, mean) : none(),
      std: have ? reduceFamilies(set, test, sampleStd) : none(),
      valMean: have && vals.every((v) => v) ? reduceFamilies(set, vals as CompareSplitResult[], mean) : null,
      vsBaseline,
      seconds: have ? mean(runs.map((r) => r.seconds)) : 0,
    };
  });
  return { split: 'test', task: set.task, metrics: set, preset: input.preset, baseline: input.baseline, seeds: input.seeds, complete: input.complete, methods };
}
