/**
 * Loading benchmark: generates an LVIS-v1-train-scale annotation file in os.tmpdir() (~1 GB:
 * 100k images, 1.27M polygon annotations, 1,203 categories; `--quick`: a tenth of it), then loads
 * it in a fresh child process per mode and reports wall time, MB/s and peak RSS / heap (sampled
 * with process.memoryUsage every 20 ms). Modes:
 *   stream    loadJsonFile (streaming scan + batched JSON.parse), no validation
 *   load      loadLvisDataset (stream + full validation), then LvisIndex and categoryStats
 *   baseline  readFileSync + JSON.parse (only possible below V8's ~512 MiB string limit)
 * The temp file is deleted at the end. Writes bench/results/load.json.
 *
 *   npx tsx bench/load.ts [--quick] [--keep]
 */
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { Rng } from '../src/util/rng.js';
import { writeFileAtomic } from '../src/util/atomicWrite.js';

interface Scale {
  images: number;
  annotations: number;
  categories: number;
}
const FULL: Scale = { images: 100_000, annotations: 1_270_000, categories: 1_203 };
const QUICK: Scale = { images: 10_000, annotations: 127_000, categories: 1_203 };

/** Writes the synthetic file piecewise (never one big string); returns its size in bytes. */
function generate(path: string, s: Scale, seed: number): number {
  const rng = new Rng(seed);
  const fd = openSync(path, 'w');
  let buf: string[] = [];
  let len = 0;
  let total = 0;
  const put = (x: string): void => {
    buf.push(x);
    len += x.length;
    if (len > 4 << 20) flush();
  };
  const flush = (): void => {
    total += writeSync(fd, buf.join(''));
    buf = [];
    len = 0;
  };
  // A pool of pre-formatted coordinates keeps generation fast.
  const coords = Array.from({ length: 4096 }, () => (rng.next() * 640).toFixed(2));
  const freq = (k: number) => (k < 337 ? 'r' : k < 798 ? 'c' : 'f');
  put('{"info":{"description":"balms synthetic LVIS-v1-scale benchmark file","version":"1.0"},"licenses":[{"id":1,"name":"x","url":"http://example.invalid"}],');
  put('"categories":[');
  for (let k = 0; k < s.categories; k++) {
    put(`${k ? ',' : ''}{"id":${k + 1},"name":"category_${k + 1}","synset":"thing.n.${k + 1}","synonyms":["category_${k + 1}","alias \\"${k}\\""],"def":"a {synthetic} [category]","frequency":"${freq(k)}","image_count":0,"instance_count":0}`);
  }
  put('],"images":[');
  for (let i = 0; i < s.images; i++) {
    const neg = Array.from({ length: rng.int(8) }, () => 1 + rng.int(s.categories)).join(',');
    const nel = Array.from({ length: rng.int(3) }, () => 1 + rng.int(s.categories)).join(',');
    put(`${i ? ',' : ''}{"id":${i + 1},"height":480,"width":640,"license":1,"coco_url":"http://images.cocodataset.org/train2017/${String(i + 1).padStart(12, '0')}.jpg","flickr_url":"http://farm.example.invalid/${i}.jpg","date_captured":"2013-11-19 20:30:17","neg_category_ids":[${neg}],"not_exhaustive_category_ids":[${nel}]}`);
  }
  put('],"annotations":[');
  for (let a = 0; a < s.annotations; a++) {
    const parts = rng.next() < 0.1 ? 2 : 1;
    const polys: string[] = [];
    for (let p = 0; p < parts; p++) {
      const n = 2 * (8 + rng.int(80 / parts));
      const v = new Array<string>(n);
      for (let k = 0; k < n; k++) v[k] = coords[rng.int(4096)]!;
      polys.push(`[${v.join(',')}]`);
    }
    const x = coords[rng.int(4096)]!;
    put(`${a ? ',' : ''}{"id":${a + 1},"image_id":${1 + rng.int(s.images)},"category_id":${1 + Math.floor(s.categories * rng.next() ** 2)},"segmentation":[${polys.join(',')}],"bbox":[${x},${x},51.5,40.25],"area":1234.5}`);
  }
  put(']}\n');
  flush();
  closeSync(fd);
  return total;
}

interface ChildResult {
  mode: string;
  seconds: number;
  /** CPU seconds (user + system, all threads) of the measured work: robust to a busy machine. */
  cpuSeconds: number;
  phases: Record<string, number>;
  peakRssMB: number;
  peakHeapUsedMB: number;
  error?: string;
}

/** Runs in the child: one mode, memory sampled throughout. */
async function child(mode: string, path: string): Promise<void> {
  let peakRss = 0;
  let peakHeap = 0;
  const sample = (): void => {
    const m = process.memoryUsage();
    if (m.rss > peakRss) peakRss = m.rss;
    if (m.heapUsed > peakHeap) peakHeap = m.heapUsed;
  };
  const timer = setInterval(sample, 20);
  const phases: Record<string, number> = {};
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  let error: string | undefined;
  try {
    const coco = await import('../src/coco/index.js');
    let t = performance.now();
    let c = process.cpuUsage();
    const lap = (name: string): void => {
      sample();
      const now = performance.now();
      const cu = process.cpuUsage(c);
      phases[name] = (now - t) / 1000;
      phases[`${name} (cpu)`] = (cu.user + cu.system) / 1e6;
      t = now;
      c = process.cpuUsage();
    };
    if (mode === 'baseline') {
      const obj = JSON.parse(readFileSync(path, 'utf8'));
      lap('readFileSync+JSON.parse');
      coco.validateDataset(obj, path);
      lap('validate');
    } else if (mode === 'stream') {
      await coco.loadJsonFile(path);
      lap('stream+parse');
    } else {
      const obj = await coco.loadJsonFile(path);
      lap('stream+parse');
      const ds = coco.validateDataset(obj, path);
      lap('validate');
      new coco.LvisIndex(ds);
      lap('LvisIndex');
      coco.categoryStats(ds);
      lap('categoryStats');
    }
  } catch (e) {
    error = e instanceof Error ? e.message.slice(0, 300) : String(e);
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  clearInterval(timer);
  sample();
  const r: ChildResult = { mode, seconds, cpuSeconds, phases, peakRssMB: peakRss / 2 ** 20, peakHeapUsedMB: peakHeap / 2 ** 20, error };
  process.stdout.write(JSON.stringify(r) + '\n');
}

function runChild(mode: string, path: string): ChildResult {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, ['--max-old-space-size=8192', '--import', 'tsx', self, '--child', mode, path], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as ChildResult;
  } catch {
    return { mode, seconds: NaN, cpuSeconds: NaN, phases: {}, peakRssMB: NaN, peakHeapUsedMB: NaN, error: (r.stderr || 'child failed').slice(-300) };
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return child(args[1]!, args[2]!);
  const quick = args.includes('--quick');
  const scale = quick ? QUICK : FULL;
  const path = join(tmpdir(), `balms-bench-lvis-${process.pid}.json`);
  try {
    const tg = performance.now();
    const bytes = generate(path, scale, 1);
    const genSeconds = (performance.now() - tg) / 1000;
    const mb = statSync(path).size / 1e6;
    process.stderr.write(`generated ${path}: ${mb.toFixed(0)} MB in ${genSeconds.toFixed(1)} s\n`);
    const modes = ['stream', 'load'];
    if (bytes < 500e6) modes.push('baseline');
    const results = modes.map((m) => {
      process.stderr.write(`running ${m}…\n`);
      return runChild(m, path);
    });
    if (!(bytes < 500e6)) results.push({ mode: 'baseline', seconds: NaN, cpuSeconds: NaN, phases: {}, peakRssMB: NaN, peakHeapUsedMB: NaN, error: 'not possible: the file exceeds V8 maximum string length' });

    const rows = [['mode', 'wall s', 'cpu s', 'MB/s (wall)', 'MB/s (cpu)', 'peak RSS MB', 'peak heap MB', 'phases (s)']];
    for (const r of results) {
      rows.push([
        r.mode,
        r.seconds.toFixed(2),
        r.cpuSeconds.toFixed(2),
        (mb / r.seconds).toFixed(0),
        (mb / r.cpuSeconds).toFixed(0),
        r.peakRssMB.toFixed(0),
        r.peakHeapUsedMB.toFixed(0),
        r.error ? `error: ${r.error}` : Object.entries(r.phases).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', '),
      ]);
    }
    const w = rows[0]!.map((_, k) => Math.max(...rows.map((r) => r[k]!.length)));
    console.log(`\nLVIS-scale load benchmark (${quick ? 'quick' : 'full'}): ${scale.images} images, ${scale.annotations} annotations, ${scale.categories} categories, ${mb.toFixed(0)} MB`);
    for (const r of rows) console.log(r.map((v, k) => (k === 7 ? v : v.padStart(w[k]!))).join('  '));

    const out = {
      benchmark: 'load',
      date: new Date().toISOString(),
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      node: process.version,
      variant: quick ? 'quick' : 'full',
      scale,
      fileMB: mb,
      generateSeconds: genSeconds,
      results: results.map((r) => ({ ...r, mbPerSecond: mb / r.seconds, mbPerCpuSecond: mb / r.cpuSeconds })),
    };
    writeFileAtomic(fileURLToPath(new URL("./results/load.json", import.meta.url)), JSON.stringify(out, null, 2) + '\n');
  } finally {
    if (!args.includes('--keep')) rmSync(path, { force: true });
  }
}

await main();
