/**
 * `balms compare`: trains each method × seed on the same data, evaluates every run on the val
 * split (where settings are chosen) and on the held-out test split (what is reported), and
 * writes `compare.json` and `compare.html`. Resumable: a finished run leaves `result.json` in its
 * folder and is not trained again; an interrupted one continues from its last checkpoint; a
 * stage-2 method reuses the stage-1 run of its seed.
 *
 * Several processes may share one output folder (`--shard i/n`, see shards.ts): a process trains a
 * cell only while it holds the cell's lock file (`<method>/seed<s>.lock`, util/fileLock.ts), so no
 * two train the same cell; a stage-2 cell whose stage-1 run is not finished trains that run itself
 * when nobody holds it, and otherwise waits for it (polling; a dead holder's lock goes stale). The
 * summary is always rebuilt from the `result.json` files on disk, under `compare.lock`, so the last
 * process to finish writes the complete compare.json; `--merge` only rebuilds it. A shard ends
 * when each of its cells is finished, by itself or by another process.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CLASSIFICATION_METRICS, DETECTION_METRICS, familyOf, renderCompareReport, summarizeCompare, type CompareRun, type CompareSummary } from '../../report/index.js';
import { ensureDir, writeFileAtomic } from '../../util/atomicWrite.js';
import { BalmsInputError } from '../../util/errors.js';
import { lockHolder, tryLock, withLock, type FileLock } from '../../util/fileLock.js';
import type { JsonObject } from '../config/configSchema.js';
import { deepMerge } from '../../util/deepMerge.js';
import { parseSetOverrides } from '../config/setOverrides.js';
import { resolveAnyTrainConfig } from '../config/resolveTrainConfig.js';
import type { AnyTrainConfig } from '../config/taskConfig.js';
import type { TrainConfig } from '../config/trainConfig.js';
import { trainClassificationCell } from './classificationCell.js';
import { CONFIG_DIR } from '../demo.js';
import { RUN_FILES } from '../runFiles.js';
import { prepareCompareData } from './compareData.js';
import { cellKey, cellLockPath, readFingerprint, readFinishedRun, readRun, runFingerprint, trainCell, type CompareRunPlan } from './compareCell.js';
import { COMPARE_PRESETS, COMPARE_TASKS, type CompareMethod, type ComparePreset, type CompareTaskSpec } from './methods.js';
import { assignShards, type ShardSpec } from './shards.js';

export type { CompareRunPlan } from './compareCell.js';

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
  /** Run only this shard's cells (implies `resume`: the shards share the folder). */
  shard?: ShardSpec;
  /** Train nothing: build compare.json / compare.html from the finished cells in the folder. */
  merge?: boolean;
  /** Longest wait for a cell another live process is training (default 24 h). */
  waitMs?: number;
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
  /** Every cell of the compare (all shards') has its result. */
  complete: boolean;
}

/** Keys compare sets itself in every run. */
const OWNED_KEYS = ['seed', 'outputDir', 'stage2.initCheckpoint'];
const POLL_MS = 2000;

/**
 * Runs method by method (every seed of one method before the next, a stage-1 dependency first), in
 * the order the methods are given: an interrupted compare has whole methods, with their spread,
 * rather than one seed of everything.
 */
function planRuns(spec: CompareTaskSpec, methods: CompareMethod[], seeds: number, outDir: string): CompareRunPlan[] {
  const wanted = new Set(methods.map((m) => m.name));
  const order: CompareMethod[] = [];
  const add = (m: CompareMethod) => {
    if (order.includes(m)) return;
    if (m.from) add(spec.methods.find((x) => x.name === m.from)!);
    order.push(m);
  };
  methods.forEach(add);
  const plans: CompareRunPlan[] = [];
  for (const m of order) for (let s = 0; s < seeds; s++) plans.push({ method: m, seed: s, dir: join(outDir, m.name, `seed${s}`), listed: wanted.has(m.name) });
  return plans;
}

function selectMethods(spec: CompareTaskSpec, names: string[] | undefined): CompareMethod[] {
  if (!names || names.length === 0) return [...spec.methods];
  return names.map((n) => {
    const m = spec.methods.find((x) => x.name === n);
    if (!m) throw new BalmsInputError(`--methods: unknown ${spec.task} method '${n}' (known: ${spec.methods.map((x) => x.name).join(', ')})`);
    return m;
  });
}

/** The `data` and `model` sections of a user's base config (what replaces the preset's dataset and model), and its task. */
export function baseConfigSections(file: string): JsonObject {
  const user = resolveAnyTrainConfig({ file }) as unknown as JsonObject;
  return { task: user['task'] ?? 'detection', data: user['data']!, model: user['model']! };
}

/** The task a compare runs: its base config's (`--config`), else its preset's. */
function compareTask(preset: ComparePreset, base: JsonObject | undefined): CompareTaskSpec {
  const task = (base?.['task'] as CompareTaskSpec['task'] | undefined) ?? preset.task ?? 'detection';
  return COMPARE_TASKS[task];
}

/** The resolved config of one run; `base` comes from {@link baseConfigSections}. */
export function compareRunConfig(plan: CompareRunPlan, preset: ComparePreset, opts: Pick<CompareOptions, 'backend' | 'sets'> & { base?: JsonObject }, stage1Dir?: string): AnyTrainConfig {
  const spec = compareTask(preset, opts.base);
  let over: JsonObject = deepMerge(preset.common, plan.method.from ? preset.stage2 : preset.stage1);
  if (opts.base) {
    const { task: _t, ...sections } = opts.base;
    over = deepMerge(over, sections);
  }
  // a classification run loads the test split (compare evaluates val and test itself)
  if (spec.task === 'classification') over = deepMerge(over, { eval: { split: 'test' } });
  if (opts.backend) over = deepMerge(over, { backend: opts.backend });
  over = deepMerge(over, parseSetOverrides(opts.sets ?? []));
  over = deepMerge(over, {
    seed: plan.seed,
    outputDir: plan.dir,
    ...(plan.method.from ? { stage2: { initCheckpoint: join(stage1Dir!, RUN_FILES.final) } } : {}),
  });
  return resolveAnyTrainConfig({ file: join(CONFIG_DIR, spec.configDir, plan.method.config), overrides: over });
}

export async function runCompare(opts: CompareOptions): Promise<CompareOutcome> {
  const log = opts.log ?? ((l: string) => process.stderr.write(l + '\n'));
  const outDir = resolve(opts.outDir);
  const seeds = opts.seeds ?? 3;
  if (!Number.isInteger(seeds) || seeds < 1 || seeds > 100) throw new BalmsInputError(`--seeds must be an integer in [1, 100], got ${seeds}`);
  const preset = typeof opts.preset === 'object' ? opts.preset : COMPARE_PRESETS[opts.preset ?? 'default'];
  if (!preset) throw new BalmsInputError(`--preset must be one of ${Object.keys(COMPARE_PRESETS).join(', ')}, got '${String(opts.preset)}'`);
  if (opts.merge && opts.shard) throw new BalmsInputError('--merge builds the summary of all shards: do not pass --shard with it');
  const sets = parseSetOverrides(opts.sets ?? []);
  for (const k of OWNED_KEYS) {
    const [head, tail] = k.split('.');
    const v = sets[head!];
    if (v !== undefined && (tail === undefined || (typeof v === 'object' && v !== null && tail in (v as object)))) {
      throw new BalmsInputError(`compare sets ${k} itself for every run: do not --set it`, { file: '--set', path: k });
    }
  }
  // Resolve every config first: a bad --set or config fails before hours of training.
  const base = opts.baseConfig ? baseConfigSections(opts.baseConfig) : undefined;
  const spec = compareTask(preset, base);
  if (opts.baseConfig && preset.task && preset.task !== spec.task) {
    throw new BalmsInputError(`--config is a ${spec.task} config, --preset ${preset.name} a ${preset.task} preset`, { file: opts.baseConfig });
  }
  const metricSet = spec.task === 'classification' ? CLASSIFICATION_METRICS : DETECTION_METRICS;
  const methods = selectMethods(spec, opts.methods);
  const plans = planRuns(spec, methods, seeds, outDir);
  const configs = plans.map((p) => compareRunConfig(p, preset, { ...opts, base }, p.method.from ? join(outDir, p.method.from, `seed${p.seed}`) : undefined));
  // Fingerprints in plan order (a stage-1 run comes before its stage-2 runs).
  const fingerprints = new Map<string, string>();
  plans.forEach((p, i) => fingerprints.set(cellKey(p), runFingerprint(configs[i]!, p.method.from ? fingerprints.get(`${p.method.from}/${p.seed}`)! : null)));
  const fingerprintOf = (p: CompareRunPlan) => fingerprints.get(cellKey(p))!;
  const jsonPath = join(outDir, 'compare.json');
  const htmlPath = join(outDir, 'compare.html');

  /** compare.json and compare.html from the finished cells on disk (rewritten after every run, so a long compare shows its progress). */
  const writeSummary = async (): Promise<{ summary: CompareSummary; complete: boolean }> =>
    withLock(join(outDir, 'compare.lock'), () => {
      const runs = new Map<string, CompareRun>();
      for (const p of plans) {
        const r = readFinishedRun(p.dir, fingerprintOf(p));
        if (r) runs.set(cellKey(p), r);
      }
      const complete = runs.size === plans.length;
      const summary = summarizeCompare({
        metrics: metricSet,
        preset: opts.baseConfig ? `config ${opts.baseConfig}` : preset.name,
        baseline: methods.some((m) => m.name === spec.baseline) ? spec.baseline : methods[0]!.name,
        methods: methods.map((m) => ({
          name: m.name,
          summary: m.summary,
          config: join('configs', spec.configDir, m.config),
          from: m.from ?? null,
          runs: Array.from({ length: seeds }, (_, s) => runs.get(`${m.name}/${s}`)).filter((x): x is CompareRun => !!x),
        })),
        seeds,
        complete,
      });
      writeFileAtomic(jsonPath, JSON.stringify(summary, null, 1) + '\n');
      writeFileAtomic(htmlPath, renderCompareReport(summary));
      return { summary, complete };
    }, { heartbeatMs: 0, timeoutMs: 900_000, pollMs: 50 });

  ensureDir(outDir);
  if (opts.merge) {
    const { summary, complete } = await writeSummary();
    const missing = plans.filter((p) => !readFinishedRun(p.dir, fingerprintOf(p))).map(cellKey);
    if (missing.length) log(`compare --merge: ${missing.length} of ${plans.length} runs not finished (${missing.join(', ')})`);
    const foreign = plans.filter((p) => readRun(p.dir) && !readFinishedRun(p.dir, fingerprintOf(p))).length;
    if (foreign) log(`compare --merge: ${foreign} finished runs in ${outDir} were made with other options (preset, config, --set): pass the options the shards ran with`);
    return { summary, jsonPath, htmlPath, trained: 0, complete };
  }
  if (configs.some((c) => c.task !== 'classification' && c.eval.maxImages !== 0)) log('compare: eval.maxImages is set: runs are evaluated on part of the splits only');
  if (!opts.resume && !opts.shard && plans.some((p) => existsSync(p.dir))) {
    throw new BalmsInputError('the output folder already holds compare runs: pass --resume to continue them, or choose another --out', { file: outDir });
  }
  // The data every run reads, generated once (under a lock: concurrent shards share the cache).
  await prepareCompareData(configs.filter((c): c is TrainConfig => c.task !== 'classification'), log);

  const shardOf = opts.shard ? assignShards(configs.map((c) => c.solver.maxIter), opts.shard.count) : null;
  const mine = plans.filter((_, i) => !shardOf || shardOf[i] === opts.shard!.index);
  if (opts.shard) log(`compare: shard ${opts.shard.index}/${opts.shard.count}: ${mine.length} of ${plans.length} runs (${mine.map(cellKey).join(', ') || 'none'})`);
  const planOf = (method: string, seed: number) => plans.find((p) => p.method.name === method && p.seed === seed)!;
  let trained = 0;
  let stopped = false;

  /** Trains `plan` holding `lock`; returns whether it trained. */
  const trainLocked = async (plan: CompareRunPlan, lock: FileLock): Promise<boolean> => {
    try {
      const fingerprint = fingerprintOf(plan);
      if (readFinishedRun(plan.dir, fingerprint)) return false; // another process finished it meanwhile
      if (existsSync(plan.dir) && (readRun(plan.dir) || readFingerprint(plan.dir) !== fingerprint)) {
        log(`compare: ${cellKey(plan)}: the config (or its stage-1 run) changed since this run was started: training it again`);
        rmSync(plan.dir, { recursive: true, force: true });
      }
      const i = plans.indexOf(plan);
      log(`compare: run ${i + 1}/${plans.length}: ${plan.method.name}, seed ${plan.seed}${plan.listed ? '' : ' (stage 1 of a listed method)'}`);
      ensureDir(plan.dir);
      const cfg = configs[i]!;
      const run = cfg.task === 'classification' ? await trainClassificationCell(plan, cfg, fingerprint, { quiet: opts.quiet, log }) : await trainCell(plan, cfg, fingerprint, { quiet: opts.quiet, log });
      trained++;
      const line = metricSet.families
        .map((f) => {
          const v = familyOf(run.test, f.key);
          return v ? `${f.label.toLowerCase()} ${metricSet.headline} ${pct(v[metricSet.headline])} ${metricSet.focus} ${pct(v[metricSet.focus])}` : null;
        })
        .filter(Boolean)
        .join(', ');
      log(`compare: ${plan.method.name} seed ${plan.seed}: test ${line} (${run.seconds.toFixed(0)} s)`);
    } finally {
      lock.release();
    }
    await writeSummary();
    if (tf.memory().numTensors > 5000) log(`compare: ${tf.memory().numTensors} live tensors after ${cellKey(plan)} (a leak?)`);
    return true;
  };

  /** Makes sure `plan` is finished: trains it when nobody else is; a live holder's cell is waited for (`wait`) or reported 'elsewhere'. */
  const ensureCell = async (plan: CompareRunPlan, wait: boolean): Promise<'done' | 'elsewhere' | 'stopped'> => {
    const deadline = Date.now() + (opts.waitMs ?? 86_400_000);
    let told = false;
    for (;;) {
      if (readFinishedRun(plan.dir, fingerprintOf(plan))) return 'done';
      if (opts.stopAfterRuns !== undefined && trained >= opts.stopAfterRuns) return 'stopped';
      const lock = tryLock(cellLockPath(plan));
      if (lock) {
        await trainLocked(plan, lock);
        continue;
      }
      const holder = lockHolder(cellLockPath(plan));
      if (!wait) return 'elsewhere';
      if (Date.now() > deadline) throw new BalmsInputError(`waited too long for ${cellKey(plan)} (held by pid ${holder?.pid} on ${holder?.host} since ${holder?.time})`, { file: cellLockPath(plan) });
      if (!told) log(`compare: waiting for ${cellKey(plan)}, trained by pid ${holder?.pid} on ${holder?.host}`);
      told = true;
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  };

  // First pass: every cell of this shard that nobody holds (a stage-2 cell's stage 1 first, waited
  // for when held); then the cells another process held, waited for (taken over if it dies).
  const held: CompareRunPlan[] = [];
  for (const plan of mine) {
    const stage1 = plan.method.from ? await ensureCell(planOf(plan.method.from, plan.seed), true) : 'done';
    const state = stage1 === 'stopped' ? stage1 : await ensureCell(plan, false);
    if (state === 'stopped') {
      stopped = true;
      break;
    }
    if (state === 'elsewhere') held.push(plan);
  }
  for (const plan of stopped ? [] : held) {
    if ((await ensureCell(plan, true)) === 'stopped') {
      stopped = true;
      break;
    }
  }
  if (stopped) log(`compare: stopped after ${trained} runs`);
  const { summary, complete } = await writeSummary();
  return { summary, jsonPath, htmlPath, trained, complete };
}

function pct(v: number | undefined): string {
  return v === undefined || v < 0 ? 'n/a' : (v * 100).toFixed(1);
}
