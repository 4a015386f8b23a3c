/**
 * One cell of a compare — a (method, seed) run in its own folder: what its result depends on (the
 * fingerprint), its finished result on disk (`result.json`), and training + evaluating it.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CategoryEval, LvisStats } from '../../eval/index.js';
import type { CompareCategory, CompareRun, CompareSplitResult, MetricValues } from '../../report/index.js';
import { writeFileAtomic } from '../../util/atomicWrite.js';
import { BalmsInputError, BalmsInternalError } from '../../util/errors.js';
import type { AnyTrainConfig } from '../config/taskConfig.js';
import type { TrainConfig } from '../config/trainConfig.js';
import { evaluateDetector, evaluationOptionsOf, type ModelEvaluation } from '../evaluateModel.js';
import { RUN_FILES } from '../runFiles.js';
import { train } from '../trainer.js';
import type { CompareMethod } from './methods.js';

export interface CompareRunPlan {
  method: CompareMethod;
  seed: number;
  dir: string;
  /** Listed in compare.json (a stage-1 dependency that was not asked for is trained but not listed). */
  listed: boolean;
}

export const RESULT_FILE = 'result.json';
/** Written when a run starts: an interrupted run resumes only under the same fingerprint. */
export const FINGERPRINT_FILE = 'fingerprint.txt';

export function cellKey(plan: Pick<CompareRunPlan, 'method' | 'seed'>): string {
  return `${plan.method.name}/${plan.seed}`;
}

/** The lock a process holds while it trains the cell (beside its folder: the folder may be replaced). */
export function cellLockPath(plan: CompareRunPlan): string {
  return `${plan.dir}.lock`;
}

export function readFingerprint(dir: string): string | null {
  const p = join(dir, FINGERPRINT_FILE);
  return existsSync(p) ? readFileSync(p, 'utf8').trim() : null;
}

/**
 * What a run's result depends on: its resolved config (less the keys that do not change the
 * numbers) and, for stage 2, its stage-1 run's fingerprint.
 */
export function runFingerprint(cfg: AnyTrainConfig, stage1: string | null): string {
  const { outputDir: _o, backend: _b, stage2, eval: _e, checkpoint: _c, log: _l, ...rest } = cfg;
  const { initCheckpoint: _i, ...s2 } = stage2;
  return createHash('sha256').update(JSON.stringify({ rest, s2, stage1 })).digest('hex').slice(0, 16);
}

/** The finished result in `dir`, whatever its fingerprint (null: none, or not a result file). */
export function readRun(dir: string): (CompareRun & { fingerprint?: string }) | null {
  const p = join(dir, RESULT_FILE);
  if (!existsSync(p)) return null;
  try {
    return JSON.parse(readFileSync(p, 'utf8')) as CompareRun & { fingerprint?: string };
  } catch {
    return null; // written atomically, so only a foreign file gets here: train again
  }
}

/** The finished result in `dir` when it was made under `fingerprint`, else null. */
export function readFinishedRun(dir: string, fingerprint: string): CompareRun | null {
  const r = readRun(dir);
  if (!r || r.fingerprint !== fingerprint) return null;
  const { fingerprint: _f, ...run } = r;
  return run;
}

function compactCategories(bbox: CategoryEval[], segm: CategoryEval[] | null, trainImages: Map<number, number>): CompareCategory[] {
  const segmAp = new Map((segm ?? []).map((c) => [c.id, c.AP]));
  return bbox.map((c) => ({ id: c.id, name: c.name, frequency: c.frequency ?? null, trainImages: trainImages.get(c.id) ?? 0, bbox: c.AP, segm: segmAp.get(c.id) ?? -1 }));
}

/** A split's result in the families of DETECTION_METRICS. */
function splitResult(ev: ModelEvaluation, trainImages: Map<number, number>): CompareSplitResult {
  const values = (s: LvisStats | null) => s as unknown as MetricValues | null;
  return { bbox: values(ev.bbox), segm: values(ev.segm), perCategory: compactCategories(ev.perCategory.bbox, ev.perCategory.segm, trainImages) };
}

/** A finished cell's result, written atomically to its folder with the fingerprint it was made under. */
export function writeCellResult(
  plan: CompareRunPlan,
  fingerprint: string,
  trained: { seconds: number; backend: string },
  val: CompareSplitResult | null,
  test: CompareSplitResult,
): CompareRun {
  const run: CompareRun = { method: plan.method.name, seed: plan.seed, seconds: trained.seconds, backend: trained.backend, val, test };
  writeFileAtomic(join(plan.dir, RESULT_FILE), JSON.stringify({ ...run, fingerprint }) + '\n');
  return run;
}

/**
 * Trains the cell (resuming from its last checkpoint when one is there), evaluates it on val and
 * test, and writes `result.json` (atomically, with its fingerprint). The caller holds the cell's lock.
 */
export async function trainCell(plan: CompareRunPlan, cfg: TrainConfig, fingerprint: string, opts: { quiet?: boolean; log: (line: string) => void }): Promise<CompareRun> {
  const key = cellKey(plan);
  writeFileAtomic(join(plan.dir, FINGERPRINT_FILE), fingerprint + '\n');
  const r = await train(cfg, { resume: existsSync(join(plan.dir, RUN_FILES.last)), quiet: opts.quiet, log: opts.log, skipEval: true });
  try {
    if (!r.finished) throw new BalmsInternalError(`compare run ${key} stopped at iteration ${r.iteration}`);
    const trainImages = new Map(r.data.categories.map((c, k) => [c.id, r.data.classStats.imageCount[k]!]));
    const evalOn = async (split: 'val' | 'test') => {
      const ds = split === 'val' ? r.data.val : r.data.test;
      if (!ds) return null;
      const ev = await evaluateDetector(r.detector, ds, evaluationOptionsOf(cfg, r.data.categories));
      return splitResult(ev, trainImages);
    };
    const val = await evalOn('val');
    const test = await evalOn('test');
    if (!test) throw new BalmsInputError('compare reports on a held-out test split: set data.synth.testImages, or data.testAnnotations and data.testImageDir', { path: 'data.testAnnotations' });
    return writeCellResult(plan, fingerprint, r, val, test);
  } finally {
    r.detector.dispose();
  }
}
