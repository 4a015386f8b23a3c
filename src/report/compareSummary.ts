/**
 * The summary of a `balms compare`: per method, its runs, the mean and standard deviation over
 * seeds of every metric, and the paired bootstrap interval of its difference to the baseline on
 * AP and APr (mask and box), as written to `compare.json`.
 */
import type { Frequency } from '../coco/types.js';
import type { LvisStats } from '../eval/index.js';
import { mean, pairedBootstrap, sampleStd, type BootstrapInterval } from './compareStatistics.js';

export interface CompareCategory {
  id: number;
  name: string;
  frequency: Frequency | null;
  /** Training images of the category (the dataset's image_count). */
  trainImages: number;
  bbox: number;
  segm: number;
}

export interface CompareSplitResult {
  bbox: LvisStats;
  /** null for a model without masks. */
  segm: LvisStats | null;
  perCategory: CompareCategory[];
}

export interface CompareRun {
  method: string;
  seed: number;
  seconds: number;
  backend: string;
  val: CompareSplitResult | null;
  test: CompareSplitResult;
}

export type IouType = 'bbox' | 'segm';

export interface CompareMethodSummary {
  name: string;
  summary: string;
  config: string;
  /** Stage-2 methods: the stage-1 method they start from. */
  from: string | null;
  /** Test-split results; `bbox`/`segm` hold the keys of `balms eval --json`. */
  runs: Array<{ seed: number; bbox: LvisStats; segm: LvisStats | null; perCategory: CompareCategory[]; seconds: number; val: { bbox: LvisStats; segm: LvisStats | null } | null }>;
  mean: { bbox: LvisStats; segm: LvisStats | null };
  std: { bbox: LvisStats; segm: LvisStats | null };
  /** Val-split means (what settings are chosen on). */
  valMean: { bbox: LvisStats; segm: LvisStats | null } | null;
  /** Paired bootstrap of (method − baseline) on the test split, per metric; absent for the baseline itself. */
  vsBaseline: Record<string, BootstrapInterval> | null;
  /** Mean training seconds per run (stage 2: the stage-2 run only). */
  seconds: number;
}

export interface CompareSummary {
  split: 'test';
  preset: string;
  baseline: string;
  seeds: number;
  complete: boolean;
  methods: CompareMethodSummary[];
}

export interface CompareInput {
  preset: string;
  baseline: string;
  seeds: number;
  complete: boolean;
  methods: Array<{ name: string; summary: string; config: string; from: string | null; runs: CompareRun[] }>;
}

/** Per-key mean (or std) over runs of LVIS stats; −1 (undefined) stays −1 when every run has it so. */
function reduceStats(stats: LvisStats[], f: (v: number[]) => number): LvisStats {
  const out: Record<string, number> = {};
  for (const k of Object.keys(stats[0]!)) {
    const vals = stats.map((s) => (s as unknown as Record<string, number>)[k]!).filter((v) => v >= 0);
    out[k] = vals.length ? f(vals) : -1;
  }
  return out as unknown as LvisStats;
}

function statsOf(list: Array<LvisStats | null>, f: (v: number[]) => number): LvisStats | null {
  if (list.length === 0 || list.some((s) => s === null)) return null;
  return reduceStats(list as LvisStats[], f);
}

/** The per-category APs (one row per run) of the categories of a bucket (all when bucket is null). */
function categoryRows(runs: CompareRun[], iou: IouType, bucket: Frequency | null): { ids: number[]; rows: number[][] } {
  const first = runs[0]!.test.perCategory.filter((c) => (bucket === null || c.frequency === bucket) && c[iou] >= 0);
  const ids = first.map((c) => c.id);
  const rows = runs.map((r) => {
    const byId = new Map(r.test.perCategory.map((c) => [c.id, c[iou]]));
    return ids.map((id) => Math.max(0, byId.get(id) ?? 0));
  });
  return { ids, rows };
}

/** The metrics the bootstrap is reported for: name → (iou type, bucket). */
export const BOOTSTRAP_METRICS: Record<string, [IouType, Frequency | null]> = {
  'segm.AP': ['segm', null],
  'segm.APr': ['segm', 'r'],
  'bbox.AP': ['bbox', null],
  'bbox.APr': ['bbox', 'r'],
};

export function summarizeCompare(input: CompareInput): CompareSummary {
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
        for (const [name, [iou, bucket]] of Object.entries(BOOTSTRAP_METRICS)) {
          if (iou === 'segm' && mine.some((r) => !r.test.segm)) continue;
          const a = categoryRows(mine, iou, bucket), b = categoryRows(baseRuns, iou, bucket);
          if (a.ids.length === 0 || a.ids.join() !== b.ids.join()) continue;
          vsBaseline[name] = pairedBootstrap(a.rows, b.rows, { seed: 0 });
        }
      }
    }
    const test = runs.map((r) => r.test);
    const vals = runs.map((r) => r.val);
    return {
      name: m.name,
      summary: m.summary,
      config: m.config,
      from: m.from,
      runs: runs.map((r) => ({ seed: r.seed, bbox: r.test.bbox, segm: r.test.segm, perCategory: r.test.perCategory, seconds: r.seconds, val: r.val ? { bbox: r.val.bbox, segm: r.val.segm } : null })),
      mean: { bbox: have ? reduceStats(test.map((t) => t.bbox), mean) : (null as unknown as LvisStats), segm: have ? statsOf(test.map((t) => t.segm), mean) : null },
      std: { bbox: have ? reduceStats(test.map((t) => t.bbox), sampleStd) : (null as unknown as LvisStats), segm: have ? statsOf(test.map((t) => t.segm), sampleStd) : null },
      valMean: have && vals.every((v) => v) ? { bbox: reduceStats(vals.map((v) => v!.bbox), mean), segm: statsOf(vals.map((v) => v!.segm), mean) } : null,
      vsBaseline,
      seconds: have ? mean(runs.map((r) => r.seconds)) : 0,
    };
  });
  return { split: 'test', preset: input.preset, baseline: input.baseline, seeds: input.seeds, complete: input.complete, methods };
}
