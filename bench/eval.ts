/**
 * LVIS evaluation speed: balms `evaluateLvis` vs lvis-api on a generated LVIS-scale case
 * (1,000 images, 1,203 long-tailed categories, polygons, 300 detections per image with boxes and
 * masks), bbox and segm, side by side when Python's `lvis` is importable (`BALMS_PYTHON`,
 * default python3). Each side runs in its own process so peak RSS is its own.
 *
 *   npx tsx bench/eval.ts [--quick] [--runs N]   (--quick: 100 images; --runs: N fresh processes
 *                                                per side, alternating, medians reported; default 3)
 *
 * Timed: balms `evaluateLvis(gt, results)` on parsed JSON; lvis-api `LVISResults(gt, results)`
 * + `LVISEval(...).run()` on a loaded `LVIS` and a parsed results list. JSON parsing is timed
 * separately. Writes bench/results/eval.json.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../src/util/atomicWrite.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const ROOT = join(HERE, '..');

interface SideResult {
  loadS: number;
  evalS: number;
  /** CPU seconds (user + system, all threads) of the timed evaluation: less sensitive to a busy machine. */
  evalCpuS: number;
  warmEvalS?: number;
  maxRssMB: number;
  stats: Record<string, number>;
  phases?: Record<string, number>;
}

async function worker(dir: string, iouType: 'bbox' | 'segm'): Promise<void> {
  const { evaluateLvis } = await import('../src/eval/index.js');
  const t0 = performance.now();
  const gt = JSON.parse(readFileSync(join(dir, 'gt.json'), 'utf8'));
  const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
  const t1 = performance.now();
  const c1 = process.cpuUsage();
  const r = evaluateLvis(gt, results, { iouType });
  const c2 = process.cpuUsage(c1);
  const t2 = performance.now();
  const again = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
  const t3 = performance.now();
  evaluateLvis(gt, again, { iouType });
  const t4 = performance.now();
  const out: SideResult = {
    loadS: (t1 - t0) / 1000,
    evalS: (t2 - t1) / 1000,
    evalCpuS: (c2.user + c2.system) / 1e6,
    warmEvalS: (t4 - t3) / 1000,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    stats: r.stats as unknown as Record<string, number>,
    phases: { prepareS: r.timings.prepareMs / 1000, evaluateS: r.timings.evaluateMs / 1000, accumulateS: r.timings.accumulateMs / 1000 },
  };
  process.stdout.write(JSON.stringify(out) + '\n');
}

const PY = `
import json, resource, sys, time
import numpy as np
if not hasattr(np, "float"):
    np.float = float
from lvis import LVIS, LVISEval, LVISResults
import logging; logging.disable(logging.WARNING)
d, iou = sys.argv[1], sys.argv[2]
t0 = time.perf_counter()
gt = LVIS(d + "/gt.json")
res = json.load(open(d + "/results.json"))
import contextlib, io
t1 = time.perf_counter()
c1 = time.process_time()
ev = LVISEval(gt, LVISResults(gt, res), iou)
with contextlib.redirect_stdout(io.StringIO()):
    ev.run()
c2 = time.process_time()
t2 = time.perf_counter()
print(json.dumps({"loadS": t1 - t0, "evalS": t2 - t1, "evalCpuS": c2 - c1, "maxRssMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "stats": {k: float(v) for k, v in ev.results.items()}}))
`;

/** The run with the median CPU time, its wall and CPU times replaced by the per-field medians. */
function medianRun(rs: SideResult[]): SideResult {
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[(xs.length - 1) >> 1];
  const byCpu = [...rs].sort((a, b) => a.evalCpuS - b.evalCpuS);
  const mid = byCpu[(rs.length - 1) >> 1];
  return { ...mid, evalS: med(rs.map((r) => r.evalS)), evalCpuS: med(rs.map((r) => r.evalCpuS)) };
}

function runJson(cmd: string, args: string[], timeoutMs: number): SideResult {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20, timeout: timeoutMs });
  if (r.status !== 0) throw new Error(`${cmd} ${args.slice(0, 3).join(' ')} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as SideResult;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--worker') return worker(argv[1], argv[2] as 'bbox' | 'segm');
  const quick = argv.includes('--quick');
  const runsAt = argv.indexOf('--runs');
  const runs = runsAt >= 0 ? Math.max(1, Number(argv[runsAt + 1]) | 0) : 3;
  const numImages = quick ? 100 : 1000, numCats = 1203, perImage = 300, seed = 20201;
  const dir = join(os.tmpdir(), `balms-bench-eval-v1-${numImages}-${numCats}-${perImage}-${seed}`);
  if (!existsSync(join(dir, 'results.json'))) {
    const { makeEvalCase } = await import('./evalData.js');
    const t0 = performance.now();
    const c = makeEvalCase(seed, numImages, numCats, perImage);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'gt.json'), JSON.stringify(c.gt));
    writeFileSync(join(dir, 'results.json'), JSON.stringify(c.results));
    console.error(`generated ${dir} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  const py = process.env.BALMS_PYTHON ?? 'python3';
  const hasLvis = spawnSync(py, ['-c', 'import lvis, pycocotools'], { encoding: 'utf8' }).status === 0;
  const rows: Record<string, unknown>[] = [];
  const loadBefore = os.loadavg();
  console.log(`eval bench${quick ? ' (quick)' : ''}, median of ${runs} run(s) per side: ${numImages} images, ${numCats} categories, ${perImage} detections/image; node ${process.version}, ${os.cpus()[0]?.model ?? '?'} ×${os.cpus().length}`);
  for (const iouType of ['bbox', 'segm'] as const) {
    const balmsRuns: SideResult[] = [];
    const lvisRuns: SideResult[] = [];
    for (let i = 0; i < runs; i++) {
      balmsRuns.push(runJson(process.execPath, ['--import', 'tsx', join(HERE, 'eval.ts'), '--worker', dir, iouType], 600_000));
      if (hasLvis) lvisRuns.push(runJson(py, ['-c', PY, dir, iouType], 1_200_000));
    }
    const balms = medianRun(balmsRuns);
    const lvis: SideResult | null = hasLvis ? medianRun(lvisRuns) : null;
    let maxDiff: number | null = null;
    if (lvis) maxDiff = Math.max(...Object.keys(lvis.stats).map((k) => Math.abs(lvis!.stats[k] - balms.stats[k])));
    const speedup = lvis ? lvis.evalS / balms.evalS : null;
    const cpuSpeedup = lvis ? lvis.evalCpuS / balms.evalCpuS : null;
    rows.push({
      iouType, balms, lvis, speedup, cpuSpeedup, maxMetricDiff: maxDiff,
      runs: { balmsEvalS: balmsRuns.map((r) => r.evalS), balmsEvalCpuS: balmsRuns.map((r) => r.evalCpuS), lvisEvalS: lvisRuns.map((r) => r.evalS), lvisEvalCpuS: lvisRuns.map((r) => r.evalCpuS) },
    });
    console.log(
      `  ${iouType.padEnd(4)}  balms ${balms.evalS.toFixed(3)} s wall / ${balms.evalCpuS.toFixed(3)} s CPU (warm ${balms.warmEvalS!.toFixed(3)} s; prepare ${balms.phases!.prepareS.toFixed(3)}, match ${balms.phases!.evaluateS.toFixed(3)}, accumulate ${balms.phases!.accumulateS.toFixed(3)}), peak RSS ${balms.maxRssMB.toFixed(0)} MB` +
        (lvis
          ? ` | lvis-api ${lvis.evalS.toFixed(2)} s wall / ${lvis.evalCpuS.toFixed(2)} s CPU, peak RSS ${lvis.maxRssMB.toFixed(0)} MB | ×${speedup!.toFixed(1)} wall, ×${cpuSpeedup!.toFixed(1)} CPU | max |Δmetric| ${maxDiff}`
          : ' | lvis-api skipped (python lvis not importable)'),
    );
  }
  console.log(`  JSON parse (balms side): ${(rows[0].balms as SideResult).loadS.toFixed(2)} s`);
  writeFileAtomic(
    join(HERE, 'results', 'eval.json'),
    JSON.stringify({ date: new Date().toISOString(), cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, loadavg: { before: loadBefore, after: os.loadavg() }, node: process.version, python: hasLvis ? py : null, quick, runs, numImages, numCats, detsPerImage: perImage, seed, rows }, null, 1) + '\n',
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
