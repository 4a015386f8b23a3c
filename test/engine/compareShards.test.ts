import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { assignShards, parseShard, runCompare } from '../../src/engine/index.js';
import { runCliAsync } from '../helpers/runCli.js';
import { tinyTrainOverrides } from '../helpers/tinyTrainConfig.js';

const root = mkdtempSync(join(tmpdir(), 'balms-shards-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('shard assignment', () => {
  it('parses i/n (0-based) and rejects the rest', () => {
    expect(parseShard('0/4')).toEqual({ index: 0, count: 4 });
    expect(parseShard(' 3 / 4 ')).toEqual({ index: 3, count: 4 });
    for (const bad of ['4/4', '-1/4', '1/0', '1', 'a/b', '1/4/5', '']) expect(() => parseShard(bad), bad).toThrow(/--shard/);
  });

  it('is longest-first onto the least-loaded shard: the default grid (15 stage-1 cells of 1,000 iterations, 12 stage-2 of 300) over 3 and 4 shards', () => {
    const w = [...Array<number>(15).fill(1000), ...Array<number>(12).fill(300)];
    const three = assignShards(w, 3);
    const load = (a: number[], n: number) => Array.from({ length: n }, (_, s) => a.reduce((t, x, i) => t + (x === s ? w[i]! : 0), 0));
    expect(load(three, 3)).toEqual([6200, 6200, 6200]); // 5 × 1000 + 4 × 300 each
    // 4 shards: 15 stage-1 cells → 4, 4, 4, 3; the 12 stage-2 cells fill the lightest (3 on it + … ): max − min ≤ one stage-2 cell
    const l4 = load(assignShards(w, 4), 4);
    expect(l4.reduce((a, b) => a + b)).toBe(18_600);
    expect(Math.max(...l4) - Math.min(...l4)).toBeLessThanOrEqual(300);
    // deterministic, and every cell on exactly one shard
    expect(assignShards(w, 3)).toEqual(three);
    expect(three.every((s) => s >= 0 && s < 3)).toBe(true);
    // ties: plan order to the lowest shard first
    expect(assignShards([1, 1, 1, 1], 3)).toEqual([0, 1, 2, 0]);
  });
});

describe('balms compare --shard (3 concurrent processes) and --merge', () => {
  it('the merged compare.json has the numbers of an unsharded compare', async () => {
    const cache = join(root, 'cache');
    // The tiny detector and data of the engine tests; a 6-image test split, 2 images evaluated per split.
    const cfgFile = join(root, 'tiny.json');
    writeFileSync(cfgFile, JSON.stringify(tinyTrainOverrides(join(root, 'unused'), cache, { data: { synth: { testImages: 6, minTestImages: 2, minValImages: 2 } }, model: { roiHeads: { detectionsPerImage: 10 } } })));
    const common = ['--preset', 'quick', '--config', cfgFile, '--methods', 'softmax_rfs,crt', '--seeds', '2', '--backend', 'cpu', '--quiet',
      '--set', 'solver.maxIter=3', '--set', 'solver.steps=[2]', '--set', 'solver.warmupIters=1', '--set', 'solver.baseLr=0.01', '--set', 'eval.maxImages=2'];
    const sets = common.flatMap((a, i) => (common[i - 1] === '--set' ? [a] : []));
    const out = join(root, 'sharded');
    const shards = await Promise.all([0, 1, 2].map((i) => runCliAsync(['compare', ...common, '--out', out, '--shard', `${i}/3`], { timeoutMs: 240_000 })));
    for (const r of shards) expect(r.code, r.stderr).toBe(0);
    const log = shards.map((r) => r.stderr).join('\n');
    // 4 cells (softmax_rfs and crt × 2 seeds), each trained exactly once across the shards
    expect(log.match(/compare: run \d\/4:/g)?.length).toBe(4);
    for (const m of ['softmax_rfs', 'crt']) for (const s of [0, 1]) expect(existsSync(join(out, m, `seed${s}`, 'result.json'))).toBe(true);
    expect(readdirSync(join(out, 'softmax_rfs')).filter((f) => f.endsWith('.lock'))).toEqual([]);
    const merged = await runCliAsync(['compare', ...common, '--out', out, '--merge', '--json']);
    expect(merged.code, merged.stderr).toBe(0);
    const json = JSON.parse(readFileSync(join(out, 'compare.json'), 'utf8'));
    expect(json.complete).toBe(true);

    const unsharded = await runCompare({ outDir: join(root, 'single'), preset: 'quick', baseConfig: cfgFile, methods: ['softmax_rfs', 'crt'], seeds: 2, backend: 'cpu', sets, quiet: true, log: () => {} });
    expect(unsharded.trained).toBe(4);
    const strip = (methods: typeof unsharded.summary.methods) => methods.map((m) => ({ name: m.name, mean: m.mean, std: m.std, vs: m.vsBaseline, runs: m.runs.map((r) => ({ ...r, seconds: 0 })) }));
    expect(strip(json.methods)).toEqual(strip(unsharded.summary.methods));
    expect(JSON.parse(merged.stdout).map((m: { name: string }) => m.name)).toEqual(['softmax_rfs', 'crt']);
  }, 300_000);
});
