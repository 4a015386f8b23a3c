/**
 * `balms compare`: trains each method × seed on the same data, evaluates every run on the val
 * split (where settings are chosen) and on the held-out test split (what is reported), and
 * writes `compare.json` and `compare.html`. Resumable: a finished run leaves `result.json` in its
 * folder and is not trained again; an interrupted one continues from its last checkpoint; a
 * stage-2 method reuses the stage-1 run of its seed.
 */
import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CategoryEval, LvisStats } from '../../eval/index.js';
import { renderCompareReport, summarizeCompare, type CompareRun, type CompareSummary } from '../../report/index.js';
import { ensureDir, writeFileAtomic } from '../../util/atomicWrite.js';
import { BalmsInputError, BalmsInternalError } from '../../util/errors.js';
import type { JsonObject } from '../config/configSchema.js';
import { deepMerge, parseSetOverrides } from '../config/mergeConfig.js';
import { resolveTrainConfig } from '../config/resolveTrainConfig.js';
import type { TrainConfig } from '../config/trainConfig.js';
import { CONFIG_DIR } from '../demo.js';
import { evaluateDetector, type ModelEvaluation } from '../evaluateModel.js';
import { testTransform } from '../exampleTransforms.js';
import { RUN_FILES } from '../runFiles.js';
import { train } from '../trainer.js';
import { COMPARE_BASELINE, COMPARE_METHODS, COMPARE_PRESETS, compareMethod, type CompareMethod, type ComparePreset } from './methods.js';

export interface CompareOptions {
  outDir: string;
  /** Method names (default: all). */
  methods?: string[];
  /** Seeds 0 … seeds−1 (default 3). */
  seeds?: number;
  /** A preset name (default `default`) or a preset of your own. */
  preset?: string | ComparePreset;
  /** A training config whose `data` and `model` sections replace the preset's dataset and model. */
  baseConfig?: string;
  backend?: TrainConfig['backend'];
  sets?: string[];
  /** Continue an interrupted compare (finished runs are kept, unfinished ones resume). */
  resume?: boolean;
  quiet?: boolean;
  log?: (line: string) => void;
  /** Stop after this many training runs (tests: simulates an interruption). */
  stopAfterRuns?: number;
}

export interface CompareOutcome {
  summary: CompareSummary;
  jsonPath: string;
  htmlPath: string;
  /** Runs trained (or resumed) by this call; finished ones found on disk are not counted. */
  trained: number;
  complete: boolean;
}

/** Keys compare sets itself in every run. */
const OWNED_KEYS = ['seed', 'outputDir', 'stage2.initCheckpoint'];

export interface CompareRunPlan {
  method: CompareMethod;
  seed: number;
  dir: string;
  /** Listed in compare.json (a stage-1 dependency that was not asked for is trained but not listed). */
  listed: boolean;
}

/**
 * Runs method by method (every seed of one method before the next, a stage-1 dependency first), in
 * the order the methods are given: an interrupted compare has whole methods, with their spread,
 * rather than one seed of everything.
 */
function planRuns(methods: CompareMethod[], seeds: number, outDir: string): CompareRunPlan[] {
  const wanted = new Set(methods.map((m) => m.name));
  const order: CompareMethod[] = [];
  const add = (m: CompareMethod) => {
    if (order.includes(m)) return;
    if (m.from) add(compareMethod(m.from)!);
    order.push(m);
  };
  methods.forEach(add);
  const plans: CompareRunPlan[] = [];
  for (const m of order) for (let s = 0; s < seeds; s++) plans.push({ method: m, seed: s, dir: join(outDir, m.name, `seed${s}`), listed: wanted.has(m.name) });
  return plans;
}

function selectMethods(names: string[] | undefined): CompareMethod[] {
  if (!names || names.length === 0) return [...COMPARE_METHODS];
  return names.map((n) => {
    const m = compareMethod(n);
    if (!m) throw new BalmsInputError(`--methods: unknown method '${n}' (known: ${COMPARE_METHODS.map((x) => x.name).join(', ')})`);
    return m;
  });
}

/** The `data` and `model` sections of a user's base config: what replaces the preset's dataset and model. */
export function baseConfigSections(file: string): JsonObject {
  const user = resolveTrainConfig({ file }) as unknown as JsonObject;
  return { data: user['data']!, model: user['model']! };
}

/** The resolved config of one run; `base` comes from {@link baseConfigSections}. */
export function compareRunConfig(plan: CompareRunPlan, preset: ComparePreset, opts: Pick<CompareOptions, 'backend' | 'sets'> & { base?: JsonObject }, stage1Dir?: string): TrainConfig {
  let over: JsonObject = deepMerge(preset.common, plan.method.from ? preset.stage2 : preset.stage1);
  if (opts.base) over = deepMerge(over, opts.base);
  if (opts.backend) over = deepMerge(over, { backend: opts.backend });
  over = deepMerge(over, parseSetOverrides(opts.sets ?? []));
  over = deepMerge(over, {
    seed: plan.seed,
    outputDir: plan.dir,
    ...(plan.method.from ? { stage2: { initCheckpoint: join(stage1Dir!, RUN_FILES.final) } } : {}),
  });
  return resolveTrainConfig({ file: join(CONFIG_DIR, 'compare', plan.method.config), overrides: over });
}

const RESULT_FILE = 'result.json';
/** Written when a run starts: an interrupted run resumes only under the same fingerprint. */
const FINGERPRINT_FILE = 'fingerprint.txt';

function readFingerprint(dir: string): string | null {
  const p = join(dir, FINGERPRINT_FILE);
  return existsSync(p) ? readFileSync(p, 'utf8').trim() : null;
}

/**
 * What a run's result depends on: its resolved config (less the keys that do not change the
 * numbers) and, for stage 2, its stage-1 run's fingerprint.
 */
function runFingerprint(cfg: TrainConfig, stage1: string | null): string {
  const { outputDir: _o, backend: _b, stage2, eval: _e, checkpoint: _c, log: _l, ...rest } = cfg;
  const { initCheckpoint: _i, ...s2 } = stage2;
  return createHash('sha256').update(JSON.stringify({ rest, s2, stage1 })).digest('hex').slice(0, 16);
}

function readRun(dir: string): (CompareRun & { fingerprint?: string }) | null {
  const p = join(dir, RESULT_FILE);
  if (!existsSync(p)) return null;
  try {
    return JSON.parse(readFileSync(p, 'utf8')) as CompareRun;
  } catch {
    return null; // written atomically, so only a foreign file gets here: train again
  }
}

function compactCategories(bbox: CategoryEval[], segm: CategoryEval[] | null, trainImages: Map<number, number>): CompareRun['test']['perCategory'] {
  const segmAp = new Map((segm ?? []).map((c) => [c.id, c.AP]));
  return bbox.map((c) => ({ id: c.id, name: c.name, frequency: c.frequency ?? null, trainImages: trainImages.get(c.id) ?? 0, bbox: c.AP, segm: segmAp.get(c.id) ?? -1 }));
}

function splitResult(ev: ModelEvaluation, trainImages: Map<number, number>): CompareRun['test'] {
  return { bbox: ev.bbox, segm: ev.segm ?? (null as unknown as LvisStats), perCategory: compactCategories(ev.perCategory.bbox, ev.perCategory.segm, trainImages) };
}

export async function runCompare(opts: CompareOptions): Promise<CompareOutcome> {
  const log = opts.log ?? ((l: string) => process.stderr.write(l + '\n'));
  const outDir = resolve(opts.outDir);
  const seeds = opts.seeds ?? 3;
  if (!Number.isInteger(seeds) || seeds < 1 || seeds > 100) throw new BalmsInputError(`--seeds must be an integer in [1, 100], got ${seeds}`);
  const preset = typeof opts.preset === 'object' ? opts.preset : COMPARE_PRESETS[opts.preset ?? 'default'];
  if (!preset) throw new BalmsInputError(`--preset must be one of ${Object.keys(COMPARE_PRESETS).join(', ')}, got '${String(opts.preset)}'`);
  const sets = parseSetOverrides(opts.sets ?? []);
  for (const k of OWNED_KEYS) {
    const [head, tail] = k.split('.');
    const v = sets[head!];
    if (v !== undefined && (tail === undefined || (typeof v === 'object' && v !== null && tail in (v as object)))) {
      throw new BalmsInputError(`compare sets ${k} itself for every run: do not --set it`, { file: '--set', path: k });
    }
  }
  const methods = selectMethods(opts.methods);
  const plans = planRuns(methods, seeds, outDir);
  // Resolve every config first: a bad --set or config fails before hours of training.
  const base = opts.baseConfig ? baseConfigSections(opts.baseConfig) : undefined;
  const configs = plans.map((p) => compareRunConfig(p, preset, { ...opts, base }, p.method.from ? join(outDir, p.method.from, `seed${p.seed}`) : undefined));
  if (configs.some((c) => c.eval.maxImages !== 0)) log('compare: eval.maxImages is set: runs are evaluated on part of the splits only');
  ensureDir(outDir);
  if (!opts.resume && plans.some((p) => existsSync(p.dir))) {
    throw new BalmsInputError('the output folder already holds compare runs: pass --resume to continue them, or choose another --out', { file: outDir });
  }

  const runs = new Map<string, CompareRun>();
  /** compare.json and compare.html from the runs so far (rewritten after every run, so a long compare shows its progress). */
  const writeSummary = (done: boolean): CompareSummary => {
    const summary = summarizeCompare({
      preset: opts.baseConfig ? `config ${opts.baseConfig}` : preset.name,
      baseline: methods.some((m) => m.name === COMPARE_BASELINE) ? COMPARE_BASELINE : methods[0]!.name,
      methods: methods.map((m) => ({
        name: m.name,
        summary: m.summary,
        config: join('configs', 'compare', m.config),
        from: m.from ?? null,
        runs: Array.from({ length: seeds }, (_, s) => runs.get(`${m.name}/${s}`)).filter((x): x is CompareRun => !!x),
      })),
      seeds,
      complete: done,
    });
    writeFileAtomic(join(outDir, 'compare.json'), JSON.stringify(summary, null, 1) + '\n');
    writeFileAtomic(join(outDir, 'compare.html'), renderCompareReport(summary));
    return summary;
  };
  // Fingerprints first (plans list a stage-1 run before its stage-2 runs), and the finished runs
  // they match, so that every summary written along the way shows all results so far.
  const fingerprints = new Map<string, string>();
  for (let i = 0; i < plans.length; i++) {
    const plan = plans[i]!;
    const key = `${plan.method.name}/${plan.seed}`;
    fingerprints.set(key, runFingerprint(configs[i]!, plan.method.from ? fingerprints.get(`${plan.method.from}/${plan.seed}`)! : null));
    const done = readRun(plan.dir);
    if (done && done.fingerprint === fingerprints.get(key)) runs.set(key, done);
  }
  let trained = 0;
  let complete = true;
  for (let i = 0; i < plans.length; i++) {
    const plan = plans[i]!, cfg = configs[i]!;
    const key = `${plan.method.name}/${plan.seed}`;
    const fingerprint = fingerprints.get(key)!;
    if (runs.has(key)) continue;
    const done = readRun(plan.dir);
    if (existsSync(plan.dir) && (done || readFingerprint(plan.dir) !== fingerprint)) {
      log(`compare: ${key}: the config (or its stage-1 run) changed since this run was started: training it again`);
      rmSync(plan.dir, { recursive: true, force: true });
    }
    if (opts.stopAfterRuns !== undefined && trained >= opts.stopAfterRuns) {
      complete = false;
      break;
    }
    log(`compare: run ${i + 1}/${plans.length}: ${plan.method.name}, seed ${plan.seed}${plan.listed ? '' : ' (stage 1 of a listed method)'}`);
    ensureDir(plan.dir);
    writeFileAtomic(join(plan.dir, FINGERPRINT_FILE), fingerprint + '\n');
    const r = await train(cfg, { resume: existsSync(join(plan.dir, RUN_FILES.last)), quiet: opts.quiet, log, skipEval: true });
    trained++;
    try {
      if (!r.finished) throw new BalmsInternalError(`compare run ${key} stopped at iteration ${r.iteration}`);
      const trainImages = new Map(r.data.categories.map((c, k) => [c.id, r.data.classStats.imageCount[k]!]));
      const evalOn = async (split: 'val' | 'test') => {
        const ds = split === 'val' ? r.data.val : r.data.test;
        if (!ds) return null;
        const ev = await evaluateDetector(r.detector, ds, { transform: testTransform(cfg), maxImages: cfg.eval.maxImages, categoryIds: r.data.categories.map((c) => c.id) });
        return splitResult(ev, trainImages);
      };
      const val = await evalOn('val');
      const test = await evalOn('test');
      if (!test) throw new BalmsInputError('compare reports on a held-out test split: set data.synth.testImages, or data.testAnnotations and data.testImageDir', { path: 'data.testAnnotations' });
      const run: CompareRun = { method: plan.method.name, seed: plan.seed, seconds: r.seconds, backend: r.backend, val, test };
      writeFileAtomic(join(plan.dir, RESULT_FILE), JSON.stringify({ ...run, fingerprint }) + '\n');
      runs.set(key, run);
      writeSummary(false);
      log(`compare: ${plan.method.name} seed ${plan.seed}: test mask AP ${pct(test.segm?.AP)} APr ${pct(test.segm?.APr)}, box AP ${pct(test.bbox.AP)} (${r.seconds.toFixed(0)} s)`);
    } finally {
      r.detector.dispose();
    }
    if (tf.memory().numTensors > 5000) log(`compare: ${tf.memory().numTensors} live tensors after ${key} (a leak?)`);
  }

  const jsonPath = join(outDir, 'compare.json');
  const htmlPath = join(outDir, 'compare.html');
  const summary = writeSummary(complete);
  return { summary, jsonPath, htmlPath, trained, complete };
}

function pct(v: number | undefined): string {
  return v === undefined || v < 0 ? 'n/a' : (v * 100).toFixed(1);
}
