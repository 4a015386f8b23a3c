/**
 * The kill -9 guarantee: `balms train` killed with SIGKILL at any moment — between iterations after
 * a random number of checkpoints, in the middle of writing a checkpoint — and continued with
 * `--resume` ends with final weights, optimizer state and metrics byte-identical to an uninterrupted
 * run, and leaves no temp file behind. Real processes, the cpu backend, a tiny config.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backends/index.js';
import { RUN_FILES, loadCheckpoint, readMetricsLog, resolveTrainConfig, train } from '../../src/engine/index.js';
import { Rng } from '../../src/util/rng.js';
import { checkpointBytes } from '../helpers/checkpointBytes.js';
import { tinyTrainOverrides } from '../helpers/tinyTrainConfig.js';

const root = mkdtempSync(join(tmpdir(), 'balms-kill-'));
const cacheDir = join(root, 'cache');
const mainTs = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const EXTRA = { solver: { maxIter: 6, warmupIters: 2, steps: [4] }, checkpoint: { period: 1 }, data: { prefetch: 0 } };

function configFile(outputDir: string): string {
  const p = join(root, `${outputDir.split('/').pop()}.json`);
  writeFileSync(p, JSON.stringify(tinyTrainOverrides(outputDir, cacheDir, EXTRA)));
  return p;
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/**
 * Runs `balms train --resume` on `config` and SIGKILLs it when `killWhen(fileName)` says so for a
 * file created in `dir`, or `afterMs` after the start (whichever comes first); null: run to the end.
 */
function trainProcess(config: string, dir: string, kill: { when?: (name: string) => boolean; afterMs?: number } | null): Promise<Exit> {
  const child = spawn(process.execPath, ['--import', 'tsx', mainTs, 'train', '--config', config, '--resume', '--quiet', '--skip-eval'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const watcher = kill?.when
    ? watch(dir, (_event, name) => {
        if (name && kill.when!(String(name))) child.kill('SIGKILL');
      })
    : null;
  const timer = kill?.afterMs !== undefined ? setTimeout(() => child.kill('SIGKILL'), kill.afterMs) : null;
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      watcher?.close();
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stderr });
    });
  });
}

const straightDir = join(root, 'straight');

beforeAll(async () => {
  await initBackend('cpu');
  const r = await train(resolveTrainConfig({ overrides: tinyTrainOverrides(straightDir, cacheDir, EXTRA) }), { quiet: true, skipEval: true, log: () => {} });
  r.detector.dispose();
  expect(r.finished).toBe(true);
});

describe('train: kill -9 at any moment, then --resume (cpu)', () => {
  it('ends byte-identical to an uninterrupted run, whatever the kill moments', async () => {
    const dir = join(root, 'killed');
    mkdirSync(dir, { recursive: true });
    const config = configFile(dir);
    const seed = Date.now() % 2 ** 32;
    const rng = new Rng(seed);
    const savedIteration = () => (readdirSync(dir).includes(RUN_FILES.last) ? (loadCheckpoint(join(dir, RUN_FILES.last)).meta['iteration'] as number) : 0);
    const kills: Array<{ moment: string; exit: Exit; iteration: number; tornTemp: boolean }> = [];
    const killAt = async (moment: string, kill: Parameters<typeof trainProcess>[2]) => {
      const exit = await trainProcess(config, dir, kill);
      kills.push({ moment, exit, iteration: savedIteration(), tornTemp: readdirSync(dir).some((n) => n.endsWith('.tmp')) });
    };
    // 1. between iterations, just after a random number (1-3) of checkpoints
    const after = 1 + rng.int(3);
    let seen = 0;
    await killAt(`after ${after} checkpoints`, { when: (n) => n === RUN_FILES.last && ++seen >= after, afterMs: 120_000 });
    // 2. the moment a checkpoint's temp file is created: in the middle of the write
    await killAt('mid-write', { when: (n) => n.startsWith(`.${RUN_FILES.last}.`) && n.endsWith('.tmp'), afterMs: 120_000 });
    const why = JSON.stringify({ seed, kills: kills.map((k) => ({ moment: k.moment, signal: k.exit.signal, code: k.exit.code, iteration: k.iteration, tornTemp: k.tornTemp })) });
    // each kill landed before the end, and the checkpoints moved on: the final run really resumes
    for (const k of kills) expect(k.exit.signal, `${why} ${k.exit.stderr}`).toBe('SIGKILL');
    expect(kills[0]!.iteration, why).toBeGreaterThan(0);
    expect(kills[1]!.iteration, why).toBeGreaterThanOrEqual(kills[0]!.iteration);
    expect(kills[1]!.iteration, why).toBeLessThan(EXTRA.solver.maxIter);
    // what a kill inside the write leaves, for certain: a torn temp file of a dead writer
    writeFileSync(join(dir, `.${RUN_FILES.last}.${2 ** 22 + 777}.1700000000000.tmp`), 'BALMSCK2 torn');
    const last = await trainProcess(config, dir, null);
    expect(last.code, last.stderr).toBe(0);
    expect(last.stderr).toContain(`at iteration ${kills[1]!.iteration}`);

    const a = checkpointBytes(join(straightDir, RUN_FILES.final));
    const b = checkpointBytes(join(dir, RUN_FILES.final));
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    expect([...a].filter(([k, v]) => !v.equals(b.get(k)!)).map(([k]) => k)).toEqual([]);
    const metrics = (d: string) => readMetricsLog(join(d, RUN_FILES.metrics)).map(({ time: _t, ...r }) => r);
    expect(metrics(dir)).toEqual(metrics(straightDir));
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});
