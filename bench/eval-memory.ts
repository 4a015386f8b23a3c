/**
 * `balms eval` on a large segm results file: peak memory bounded by the data, not by objects.
 * Generates (once, in the temp folder) bench/evalData.ts's LVIS-scale case replicated over more
 * images — the base case's 1,000 images, GT and 300 detections per image copied with new image
 * ids until the results hold `--dets` detections (default 2,000,000; compressed-RLE masks only) —
 * then runs `node dist/cli/main.js eval --iou-type segm --json` under `/usr/bin/time` and reports
 * wall, CPU (user + sys) and peak RSS. With `--ref lvis|hotcoco` the reference runs too, through
 * bench/eval_cli_ref.py (`BALMS_PYTHON`), with `--ref-timeout S` (default 1800 s).
 *
 *   npx tsx bench/eval-memory.ts [--dets N] [--ref lvis|hotcoco] [--no-build]
 *
 * Writes bench/results/eval-memory.json.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../src/util/atomicWrite.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const ROOT = join(HERE, '..');

interface Timed {
  wallS: number;
  cpuS: number;
  maxRssMB: number;
  stats: Record<string, number> | null;
  error?: string;
}

function timed(cmd: string, args: string[], timeoutMs: number): Timed {
  const out = join(os.tmpdir(), `balms-evalmem-time-${process.pid}.txt`);
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', '-o', out, cmd, ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20, timeout: timeoutMs });
  const [e, u, s, m] = existsSync(out) ? readFileSync(out, 'utf8').trim().split('\n').pop()!.split(' ').map(Number) : [NaN, NaN, NaN, NaN];
  rmSync(out, { force: true });
  const lines = (r.stdout ?? '').trim().split('\n');
  const ok = r.status === 0;
  return {
    wallS: e, cpuS: u + s, maxRssMB: m / 1024,
    stats: ok ? (JSON.parse(lines[lines.length - 1]) as Record<string, number>) : null,
    ...(ok ? {} : { error: r.error ? String(r.error) : `exit ${r.status}: ${(r.stderr ?? '').slice(-500)}` }),
  };
}

/** Writes `text` pieces through one buffered file descriptor, then renames into place. */
class Out {
  private fd: number;
  private parts: string[] = [];
  private size = 0;
  constructor(private readonly path: string) {
    this.fd = openSync(path + '.tmp', 'w');
  }
  write(s: string): void {
    this.parts.push(s);
    this.size += s.length;
    if (this.size > 8 << 20) this.flush();
  }
  private flush(): void {
    writeSync(this.fd, this.parts.join(''));
    this.parts = [];
    this.size = 0;
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
    renameSync(this.path + '.tmp', this.path);
  }
}

async function generate(dir: string, dets: number): Promise<void> {
  const { makeEvalCase } = await import('./evalData.js');
  const base = makeEvalCase(20201, 1000, 1203, 300);
  const reps = Math.ceil(dets / base.results.length);
  const stride = 10 ** Math.ceil(Math.log10(Math.max(...base.gt.images.map((im) => im.id)) + 1));
  mkdirSync(dir, { recursive: true });
  const gt = new Out(join(dir, 'gt.json'));
  const { images, annotations, ...rest } = base.gt;
  gt.write(JSON.stringify(rest).slice(0, -1) + ',"images":[');
  for (let r = 0; r < reps; r++) {
    for (let j = 0; j < images.length; j++) gt.write((r || j ? ',' : '') + JSON.stringify({ ...images[j], id: r * stride + images[j].id }));
  }
  gt.write('],"annotations":[');
  let annId = 1;
  for (let r = 0; r < reps; r++) {
    for (let j = 0; j < annotations.length; j++) {
      gt.write((r || j ? ',' : '') + JSON.stringify({ ...annotations[j], id: annId++, image_id: r * stride + annotations[j].image_id }));
    }
  }
  gt.write(']}');
  gt.close();
  const res = new Out(join(dir, 'segm.json'));
  res.write('[');
  let n = 0;
  for (let r = 0; r < reps && n < dets; r++) {
    for (let j = 0; j < base.results.length && n < dets; j++, n++) {
      const d = base.results[j];
      res.write((n ? ',' : '') + JSON.stringify({ image_id: r * stride + d.image_id, category_id: d.category_id, segmentation: d.segmentation, score: d.score }));
    }
  }
  res.write(']');
  res.close();
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const arg = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const dets = Number(arg('--dets') ?? 2_000_000);
  if (!Number.isSafeInteger(dets) || dets < 1) throw new Error(`--dets: expected a positive integer, got ${arg('--dets')}`);
  const ref = arg('--ref');
  if (ref !== undefined && ref !== 'lvis' && ref !== 'hotcoco') throw new Error(`--ref: expected lvis or hotcoco, got ${ref}`);
  const refTimeoutS = Number(arg('--ref-timeout') ?? 1800);
  const dir = join(os.tmpdir(), `balms-bench-evalmem-${dets}`);
  if (!existsSync(join(dir, 'segm.json'))) {
    const t = performance.now();
    await generate(dir, dets);
    console.error(`generated ${dir} in ${((performance.now() - t) / 1000).toFixed(0)} s`);
  }
  if (!argv.includes('--no-build')) {
    const b = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, encoding: 'utf8' });
    if (b.status !== 0) throw new Error(`build failed: ${b.stdout}${b.stderr}`);
  }
  const gt = join(dir, 'gt.json'), res = join(dir, 'segm.json');
  const fileMB = statSync(res).size / 2 ** 20;
  const loadBefore = os.loadavg();
  const balms = timed(process.execPath, [join(ROOT, 'dist/cli/main.js'), 'eval', '--gt', gt, '--results', res, '--iou-type', 'segm', '--json'], 1_800_000);
  if (balms.error) throw new Error(`balms eval failed: ${balms.error}`);
  const py = process.env.BALMS_PYTHON ?? 'python3';
  const reference = ref ? timed(py, ['-W', 'ignore', join(HERE, 'eval_cli_ref.py'), ref, gt, res, 'segm'], refTimeoutS * 1000) : null;
  const line = (name: string, r: Timed): string =>
    `${name}: ${r.error ? `did not finish (${r.error.split('\n')[0]}) after ` : ''}${r.wallS.toFixed(1)} s wall / ${r.cpuS.toFixed(1)} s CPU, peak RSS ${r.maxRssMB.toFixed(0)} MB`;
  console.log(`segm results ${fileMB.toFixed(0)} MB, ${dets} detections; node ${process.version}, ${os.cpus()[0]?.model ?? '?'} ×${os.cpus().length}, load average ${loadBefore.map((x) => x.toFixed(1)).join(' ')}`);
  console.log('  ' + line('balms', balms));
  if (reference) console.log('  ' + line(ref!, reference));
  const diff = reference?.stats && balms.stats ? Math.max(...Object.keys(reference.stats).map((k) => Math.abs(reference.stats![k] - (balms.stats![k] ?? NaN)))) : null;
  if (diff !== null) console.log(`  max |Δmetric| vs ${ref}: ${diff}`);
  writeFileAtomic(
    join(HERE, 'results', 'eval-memory.json'),
    JSON.stringify({
      date: new Date().toISOString(), cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, loadavg: { before: loadBefore, after: os.loadavg() },
      node: process.version, dets, fileMB, balms, reference: reference ? { tool: ref, ...reference } : null, maxMetricDiff: diff,
    }, null, 1) + '\n',
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
