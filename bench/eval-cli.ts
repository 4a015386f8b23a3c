/**
 * `balms eval` end to end from the command line vs lvis-api (and hotcoco when installed), on the
 * generated LVIS-scale case of bench/evalData.ts (1,000 images, 1,203 long-tailed categories, 300
 * detections per image): each tool is a fresh process that reads the GT and results files itself,
 * evaluates, and prints the metrics; timed wall-clock with its peak RSS (`/usr/bin/time`), runs
 * alternating between tools, medians reported. The bbox results file has boxes only; the segm one
 * compressed-RLE masks only (areas from the masks, as detectron2's LVIS evaluator feeds lvis-api).
 *
 *   npx tsx bench/eval-cli.ts [--runs N] [--quick] [--no-build]
 *
 * balms runs as `node dist/cli/main.js eval … --json` (built first unless --no-build); lvis-api and
 * hotcoco through bench/eval_cli_ref.py with `BALMS_PYTHON` (default python3; lvis-api 0.5.3
 * needs numpy < 1.24). Writes bench/results/eval-cli.json.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../src/util/atomicWrite.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const ROOT = join(HERE, '..');
const TIME = '/usr/bin/time';

interface Run {
  wallS: number;
  /** user + system CPU seconds (all threads): on a machine shared with other jobs, the steadier figure. */
  cpuS: number | null;
  maxRssMB: number | null;
  stats: Record<string, number>;
}

/** Runs a command under /usr/bin/time (when present); the last stdout line is the metrics JSON (unless `text`). */
function timed(cmd: string, args: string[], timeoutMs: number, text = false): Run {
  const out = join(os.tmpdir(), `balms-evalcli-time-${process.pid}.txt`);
  const useTime = existsSync(TIME);
  const t0 = performance.now();
  const r = useTime
    ? spawnSync(TIME, ['-f', '%e %U %S %M', '-o', out, cmd, ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20, timeout: timeoutMs })
    : spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20, timeout: timeoutMs });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${cmd} ${args.slice(0, 4).join(' ')} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  let wallS = wall, maxRssMB: number | null = null, cpuS: number | null = null;
  if (useTime) {
    const [e, u, sys, m] = readFileSync(out, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
    wallS = e;
    cpuS = u + sys;
    maxRssMB = m / 1024;
    rmSync(out, { force: true });
  }
  const lines = r.stdout.trim().split('\n');
  return { wallS, cpuS, maxRssMB, stats: text ? {} : (JSON.parse(lines[lines.length - 1]) as Record<string, number>) };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) >> 1] : (s[n / 2 - 1] + s[n / 2]) / 2;
};

function summary(runs: Run[]): { wallS: number; cpuS: number | null; maxRssMB: number | null; runsWallS: number[]; runsCpuS: (number | null)[] } {
  const rss = runs.map((r) => r.maxRssMB).filter((x): x is number => x !== null);
  const cpu = runs.map((r) => r.cpuS).filter((x): x is number => x !== null);
  return {
    wallS: median(runs.map((r) => r.wallS)), cpuS: cpu.length ? median(cpu) : null, maxRssMB: rss.length ? median(rss) : null,
    runsWallS: runs.map((r) => r.wallS), runsCpuS: runs.map((r) => r.cpuS),
  };
}
const ratio = (a: number | null | undefined, b: number | null | undefined): number | null => (a != null && b != null && b > 0 ? a / b : null);

function maxDiff(a: Record<string, number>, b: Record<string, number>): number {
  return Math.max(...Object.keys(b).map((k) => (k in a ? Math.abs(a[k] - b[k]) : Infinity)));
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const quick = argv.includes('--quick');
  const runsAt = argv.indexOf('--runs');
  const runs = runsAt >= 0 ? Math.max(1, Number(argv[runsAt + 1]) | 0) : 3;
  const numImages = quick ? 100 : 1000, numCats = 1203, perImage = 300, seed = 20201;
  const dir = join(os.tmpdir(), `balms-bench-evalcli-${numImages}-${numCats}-${perImage}-${seed}`);
  if (!existsSync(join(dir, 'segm.json'))) {
    const { makeEvalCase } = await import('./evalData.js');
    const c = makeEvalCase(seed, numImages, numCats, perImage);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'gt.json'), JSON.stringify(c.gt));
    writeFileSync(join(dir, 'bbox.json'), JSON.stringify(c.results.map((r) => ({ image_id: r.image_id, category_id: r.category_id, bbox: r.bbox, score: r.score }))));
    writeFileSync(join(dir, 'segm.json'), JSON.stringify(c.results.map((r) => ({ image_id: r.image_id, category_id: r.category_id, segmentation: r.segmentation, score: r.score }))));
    console.error(`generated ${dir}`);
  }
  if (!argv.includes('--no-build')) {
    const b = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, encoding: 'utf8' });
    if (b.status !== 0) throw new Error(`build failed: ${b.stdout}${b.stderr}`);
  }
  const cli = join(ROOT, 'dist/cli/main.js');
  const py = process.env.BALMS_PYTHON ?? 'python3';
  const ref = join(HERE, 'eval_cli_ref.py');
  const has = (mod: string): boolean => spawnSync(py, ['-c', `import ${mod}`], { encoding: 'utf8' }).status === 0;
  const tools = { lvis: has('lvis, pycocotools'), hotcoco: has('hotcoco') };
  const loadBefore = os.loadavg();
  const help = timed(process.execPath, [cli, '--help'], 60_000, true);
  console.log(`balms eval from the command line, median of ${runs} run(s): ${numImages} images, ${numCats} categories, ${perImage} detections/image; ` +
    `node ${process.version}, ${os.cpus()[0]?.model ?? '?'} ×${os.cpus().length}, load average ${loadBefore.map((x) => x.toFixed(1)).join(' ')}`);
  const rows: Record<string, unknown>[] = [];
  for (const iouType of ['bbox', 'segm'] as const) {
    const gt = join(dir, 'gt.json'), res = join(dir, `${iouType}.json`);
    const balms: Run[] = [], lvis: Run[] = [], hot: Run[] = [];
    for (let i = 0; i < runs; i++) {
      balms.push(timed(process.execPath, [cli, 'eval', '--gt', gt, '--results', res, '--iou-type', iouType, '--json'], 600_000));
      if (tools.lvis) lvis.push(timed(py, ['-W', 'ignore', ref, 'lvis', gt, res, iouType], 1_800_000));
      if (tools.hotcoco) hot.push(timed(py, ['-W', 'ignore', ref, 'hotcoco', gt, res, iouType], 600_000));
    }
    const b = summary(balms);
    const l = tools.lvis ? summary(lvis) : null;
    const h = tools.hotcoco ? summary(hot) : null;
    const row = {
      iouType,
      balms: b,
      lvisApi: l,
      hotcoco: h,
      speedupVsLvisApi: ratio(l?.wallS, b.wallS),
      cpuSpeedupVsLvisApi: ratio(l?.cpuS, b.cpuS),
      speedupVsHotcoco: ratio(h?.wallS, b.wallS),
      cpuSpeedupVsHotcoco: ratio(h?.cpuS, b.cpuS),
      hotcocoVsLvisApi: ratio(l?.wallS, h?.wallS),
      maxMetricDiffVsLvisApi: l ? maxDiff(balms[0].stats, lvis[0].stats) : null,
      maxMetricDiffHotcocoVsLvisApi: l && h ? maxDiff(hot[0].stats, lvis[0].stats) : null,
    };
    rows.push(row);
    const mb = (x: number | null) => (x === null ? '?' : x.toFixed(0));
    const s2 = (x: number | null) => (x === null ? '?' : x.toFixed(2));
    const x1 = (x: number | null) => (x === null ? '?' : x.toFixed(1));
    const side = (name: string, v: typeof b) => `${name} ${v.wallS.toFixed(2)} s wall / ${s2(v.cpuS)} s CPU, ${mb(v.maxRssMB)} MB`;
    console.log(`  ${iouType.padEnd(4)}  ${side('balms', b)}`);
    if (l) console.log(`        ${side('lvis-api', l)} → balms ×${x1(row.speedupVsLvisApi)} wall, ×${x1(row.cpuSpeedupVsLvisApi)} CPU; max |Δmetric| ${row.maxMetricDiffVsLvisApi}`);
    else console.log('        lvis-api not installed');
    if (h) console.log(`        ${side('hotcoco', h)} → balms ×${s2(row.speedupVsHotcoco)} wall, ×${s2(row.cpuSpeedupVsHotcoco)} CPU; hotcoco vs lvis-api max |Δmetric| ${row.maxMetricDiffHotcocoVsLvisApi}`);
    else console.log('        hotcoco not installed');
  }
  console.log(`  balms --help: ${help.wallS.toFixed(2)} s`);
  writeFileAtomic(
    join(HERE, 'results', 'eval-cli.json'),
    JSON.stringify({
      date: new Date().toISOString(), cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length,
      loadavg: { before: loadBefore, after: os.loadavg() }, note: 'shared machine, loaded by other agents: compare the ratios of the same run, not absolute seconds',
      node: process.version, python: py, tools, quick, runs, numImages, numCats, detsPerImage: perImage, seed, helpS: help.wallS, rows,
    }, null, 1) + '\n',
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
