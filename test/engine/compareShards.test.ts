import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { COMPARE_CLI_OPTIONS } from '../../src/cli/compareCommand.js';
import { parseCli } from '../../src/cli/parseCli.js';
import { assignShards, COMPARE_METHODS, COMPARE_PRESETS, parseShard, runCompare } from '../../src/engine/index.js';
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
    // the last shard to end rebuilt compare.json from every finished run: complete before any merge
    const before = JSON.parse(readFileSync(join(out, 'compare.json'), 'utf8'));
    expect(before.complete).toBe(true);
    expect(before.task).toBe('detection');
    // each shard prints the table of what was finished when it ended
    for (const r of shards) expect(r.stdout).toMatch(/^ +Mask +\| +Box\nmethod +runs +AP +APr +APc +APf \| +AP +APr +ΔAPr\(mask\) \[95% CI\]\n/);
    const merged = await runCliAsync(['compare', ...common, '--out', out, '--merge', '--json']);
    expect(merged.code, merged.stderr).toBe(0);
    const json = JSON.parse(readFileSync(join(out, 'compare.json'), 'utf8'));
    expect(json.complete).toBe(true);
    expect(json.methods).toEqual(before.methods);

    const unsharded = await runCompare({ outDir: join(root, 'single'), preset: 'quick', baseConfig: cfgFile, methods: ['softmax_rfs', 'crt'], seeds: 2, backend: 'cpu', sets, quiet: true, log: () => {} });
    expect(unsharded.trained).toBe(4);
    const strip = (methods: typeof unsharded.summary.methods) => methods.map((m) => ({ name: m.name, mean: m.mean, std: m.std, vs: m.vsBaseline, runs: m.runs.map((r) => ({ ...r, seconds: 0 })) }));
    expect(strip(json.methods)).toEqual(strip(unsharded.summary.methods));
    expect(JSON.parse(merged.stdout).map((m: { name: string }) => m.name)).toEqual(['softmax_rfs', 'crt']);
  }, 300_000);
});

const repo = fileURLToPath(new URL('../..', import.meta.url));

/** Words of a shell command line (whitespace-separated; quotes removed; `$VAR`/`${VAR}` from env). */
function shellWords(line: string, env: Record<string, string>): string[] {
  const expanded = line.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a: string | undefined, b: string | undefined) => {
    const v = env[(a ?? b)!];
    if (v === undefined) throw new Error(`unset variable ${a ?? b} in: ${line}`);
    return v;
  });
  return (expanded.match(/"[^"]*"|'[^']*'|\S+/g) ?? []).map((w) => w.replace(/^["']|["']$/g, ''));
}

/** Checks a `npx balms compare …` command line against the CLI's options, for every shard index of n. */
function checkCommand(line: string, n: number, envOf: (i: number) => Record<string, string>): void {
  for (let i = 0; i < n; i++) {
    const words = shellWords(line, envOf(i));
    expect(words.slice(0, 3)).toEqual(['npx', 'balms', 'compare']);
    const { values: v } = parseCli(words.slice(3), COMPARE_CLI_OPTIONS);
    expect(parseShard(v.shard!)).toEqual({ index: i, count: n });
    expect(Object.keys(COMPARE_PRESETS)).toContain(v.preset);
    expect(v.out).toBeTruthy();
    for (const m of v.methods?.split(',') ?? []) expect(COMPARE_METHODS.map((x) => x.name)).toContain(m);
  }
}

describe('the scheduler examples (examples/compare/, shown in docs/compare.md)', () => {
  const docs = readFileSync(join(repo, 'docs', 'compare.md'), 'utf8');

  it('Slurm: a job array 0…n−1 whose task i runs --shard i/n', () => {
    const text = readFileSync(join(repo, 'examples', 'compare', 'slurm-compare.sh'), 'utf8');
    expect(docs).toContain(text.trim());
    expect(text.startsWith('#!/bin/bash\n')).toBe(true);
    const array = /^#SBATCH --array=0-(\d+)$/m.exec(text);
    expect(array).not.toBeNull();
    const n = Number(array![1]) + 1;
    const line = text.slice(text.indexOf('npx balms compare')).split('\n').reduce((acc, l, k, all) => (k === 0 || all[k - 1]!.endsWith('\\') ? acc + ' ' + l.replace(/\\$/, '') : acc), '').trim();
    checkCommand(line.replace(/\s+/g, ' '), n, (i) => ({ SLURM_ARRAY_TASK_ID: String(i), SLURM_ARRAY_TASK_COUNT: String(n) }));
  });

  it('Kubernetes: an Indexed Job of n completions whose pod i runs --shard i/n on a shared volume', () => {
    const text = readFileSync(join(repo, 'examples', 'compare', 'compare-indexed-job.yaml'), 'utf8');
    expect(docs).toContain(text.trim());
    expect(text).toMatch(/^kind: Job$/m);
    expect(text).toMatch(/^apiVersion: batch\/v1$/m);
    expect(text).toMatch(/^ {2}completionMode: Indexed$/m);
    const n = Number(/^ {2}completions: (\d+)$/m.exec(text)![1]);
    expect(Number(/^ {2}parallelism: (\d+)$/m.exec(text)![1])).toBeLessThanOrEqual(n);
    expect(text).toMatch(/^ {6}restartPolicy: Never$/m);
    // the folded (>-) args block: its more-indented lines joined by spaces
    const lines = text.split('\n');
    const at = lines.findIndex((l) => l.trim() === '- >-');
    const indent = /^\s*/.exec(lines[at + 1]!)![0].length;
    const block: string[] = [];
    for (let k = at + 1; k < lines.length && /^\s*/.exec(lines[k]!)![0].length === indent && lines[k]!.trim(); k++) block.push(lines[k]!.trim());
    checkCommand(block.join(' '), n, (i) => ({ JOB_COMPLETION_INDEX: String(i) }));
    // the working dir is on the shared volume, and the output folder relative to it
    const mount = /mountPath: (\S+)/.exec(text)![1];
    expect(/workingDir: (\S+)/.exec(text)![1]).toBe(mount);
    expect(text).toMatch(/claimName: \S+/);
    expect(text).not.toContain('\t'); // YAML indents with spaces only
  });
});
