import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { COMPARE_METHODS, resolveTrainConfig, runCompare, type ComparePreset, type TrainConfig } from '../../src/engine/index.js';
import { CONFIG_DIR } from '../../src/engine/demo.js';
import { tinyTrainOverrides } from '../helpers/tinyTrainConfig.js';

const root = mkdtempSync(join(tmpdir(), 'balms-compare-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const cache = join(root, 'cache');

/** The tiny detector and dataset of the engine tests, with a 6-image test split. */
function tinyPreset(): ComparePreset {
  // Few detections and images evaluated: an untrained model's 300 masks per image are slow to paste on cpu.
  const t = tinyTrainOverrides('unused', cache, {
    data: { synth: { testImages: 6, minTestImages: 2, minValImages: 2 } },
    model: { roiHeads: { detectionsPerImage: 10 } },
    eval: { maxImages: 2 },
  });
  const { outputDir: _o, solver: _s, log: _l, ...common } = t;
  return {
    name: 'tiny',
    summary: 'test',
    common,
    stage1: { solver: { maxIter: 3, warmupIters: 1, steps: [2], baseLr: 0.01 } },
    stage2: { solver: { maxIter: 2, warmupIters: 0, steps: [1], baseLr: 0.01 }, meta: { imagesPerBatch: 2 } },
  };
}

const quiet = { quiet: true, log: () => {} };

describe('balms compare (cpu, tiny)', () => {
  it('an interrupted compare resumes where it stopped and ends with the results of an uninterrupted one', async () => {
    const opts = { methods: ['softmax', 'crt'], seeds: 2, preset: tinyPreset(), ...quiet };
    const full = await runCompare({ ...opts, outDir: join(root, 'full') });
    expect(full.complete).toBe(true);
    expect(full.trained).toBe(6); // per seed: softmax, softmax_rfs (crt's stage 1, trained though not listed), crt
    expect(full.summary.methods.map((m) => m.name)).toEqual(['softmax', 'crt']);

    const out = join(root, 'interrupted');
    const first = await runCompare({ ...opts, outDir: out, stopAfterRuns: 2 });
    expect(first.complete).toBe(false);
    expect(JSON.parse(readFileSync(first.jsonPath, 'utf8')).complete).toBe(false);
    await expect(runCompare({ ...opts, outDir: out })).rejects.toThrow(/--resume/);
    const second = await runCompare({ ...opts, outDir: out, resume: true });
    expect(second.complete).toBe(true);
    expect(second.trained).toBe(4);
    // The same numbers as the uninterrupted compare (cpu is deterministic); only wall times differ.
    const strip = (s: typeof full.summary) => s.methods.map((m) => ({ mean: m.mean, std: m.std, vs: m.vsBaseline, runs: m.runs.map((r) => ({ ...r, seconds: 0 })) }));
    expect(strip(second.summary)).toEqual(strip(full.summary));
    const json = JSON.parse(readFileSync(second.jsonPath, 'utf8'));
    expect(json.split).toBe('test');
    expect(Object.keys(json.methods[1].runs[0].segm)).toContain('APr');
    expect(json.methods[1].runs[0].perCategory.length).toBe(4);
    expect(readFileSync(second.htmlPath, 'utf8')).toContain('ΔAPr');
    // A stage-2 method reuses its seed's stage-1 run: one softmax_rfs folder per seed, trained once.
    expect(existsSync(join(out, 'softmax_rfs', 'seed1', 'result.json'))).toBe(true);
    // Resuming with a changed config trains again exactly the runs it changes: a longer stage 2 → crt only.
    const same = await runCompare({ ...opts, seeds: 1, outDir: out, resume: true });
    expect(same.trained).toBe(0);
    const preset = tinyPreset();
    preset.stage2 = { ...preset.stage2, solver: { maxIter: 3, warmupIters: 0, steps: [1], baseLr: 0.01 } };
    const crtOnly = await runCompare({ ...opts, preset, seeds: 1, outDir: out, resume: true });
    expect(crtOnly.trained).toBe(1);
  }, 600_000);

  it('a shard runs the stage-1 run of its stage-2 cell when nobody holds it, and waits for a live holder of a cell it needs', async () => {
    // tiny preset: softmax_rfs/0 weighs 3 iterations → shard 0; crt/0 weighs 2 → shard 1
    const opts = { methods: ['crt'], seeds: 1, preset: tinyPreset(), ...quiet };
    const lines: string[] = [];
    const alone = await runCompare({ ...opts, outDir: join(root, 'shard-alone'), shard: { index: 1, count: 2 }, log: (l) => lines.push(l) });
    expect(lines.join('\n')).toMatch(/shard 1\/2: 1 of 2 runs \(crt\/0\)/);
    expect(alone.trained).toBe(2); // its own crt/0 and, nobody holding it, shard 0's softmax_rfs/0
    expect(alone.complete).toBe(true);
    expect(existsSync(join(root, 'shard-alone', 'softmax_rfs', 'seed0.lock'))).toBe(false);

    const held = join(root, 'shard-held');
    mkdirSync(join(held, 'softmax_rfs'), { recursive: true });
    const lock = join(held, 'softmax_rfs', 'seed0.lock');
    writeFileSync(lock, JSON.stringify({ pid: process.pid, host: hostname(), time: new Date().toISOString(), token: 'live' })); // a live holder: this process
    for (const index of [0, 1]) {
      // shard 0: its own cell is held; shard 1: the stage 1 its cell needs is
      await expect(runCompare({ ...opts, outDir: held, shard: { index, count: 2 }, waitMs: 50 })).rejects.toThrow(/waited too long for softmax_rfs\/0 \(held by pid/);
    }
    expect(readFileSync(lock, 'utf8')).toContain('"live"');
  }, 300_000);

  it('rejects unknown methods and --set of the keys it owns', async () => {
    await expect(runCompare({ outDir: join(root, 'bad'), methods: ['nope'], preset: tinyPreset(), ...quiet })).rejects.toThrow(/unknown detection method 'nope'/);
    await expect(runCompare({ outDir: join(root, 'bad'), sets: ['seed=3'], preset: tinyPreset(), ...quiet })).rejects.toThrow(/sets seed itself/);
    await expect(runCompare({ outDir: join(root, 'bad'), preset: 'huge', ...quiet })).rejects.toThrow(/--preset/);
    await expect(runCompare({ outDir: join(root, 'bad'), preset: tinyPreset(), merge: true, shard: { index: 0, count: 2 }, ...quiet })).rejects.toThrow(/--merge .* do not pass --shard/);
  });

  it('every method config resolves as a balms train config', () => {
    for (const m of COMPARE_METHODS) {
      const cfg = resolveTrainConfig({ file: join(CONFIG_DIR, 'compare', m.config) });
      expect(cfg.stage2.enabled).toBe(!!m.from);
      expect(cfg.data.synth.testImages).toBeGreaterThan(0);
    }
  });
});

describe('compare presets', () => {
  it('the default and quick presets give ≥ 30 / ≥ 15 annotated test instances to every rare category (1–5 training images)', async () => {
    const { planSynthDataset, DEFAULT_SYNTH_OPTIONS } = await import('../../src/data/index.js');
    const { COMPARE_PRESETS, compareRunConfig } = await import('../../src/engine/index.js');
    for (const [name, min] of [['default', 30], ['quick', 15]] as const) {
      const preset = COMPARE_PRESETS[name]!;
      const cfg = compareRunConfig({ method: COMPARE_METHODS[0]!, seed: 0, dir: join(root, 'p'), listed: true }, preset, {}) as TrainConfig;
      const { enabled: _e, cacheDir: _c, ...synth } = cfg.data.synth;
      const plan = planSynthDataset({ ...DEFAULT_SYNTH_OPTIONS, ...synth });
      const rare = plan.categories.map((c, i) => ({ c, i })).filter(({ c }) => c.intended === 'r');
      expect(rare.length).toBeGreaterThanOrEqual(9);
      for (const { c, i } of rare) {
        expect(c.trainImageTarget).toBeGreaterThanOrEqual(1);
        expect(c.trainImageTarget).toBeLessThanOrEqual(5);
        const trainImages = plan.train.filter((im) => im.objects.some((o) => o.category === i)).length;
        expect(trainImages).toBe(c.trainImageTarget);
        const testInstances = plan.test.reduce((n, im) => n + im.objects.filter((o) => o.category === i && o.annotated).length, 0);
        expect(testInstances, `${name}: rare category ${c.id}`).toBeGreaterThanOrEqual(min);
      }
    }
  });
});
