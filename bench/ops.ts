/**
 * Op-level benchmark of the RoI-head training step: each op forward and forward+backward at the
 * product's shapes on cpu, wasm and tfjs-node (when installed: `balms setup native`), next to PyTorch
 * CPU (when importable, measured in the same run) with each backend's ratio to it.
 *
 *   npx tsx bench/ops.ts [--quick] [--backends=wasm,tfjs-node,cpu] [--ops=fc6,maskConv] [--cpu-full]
 *
 * Shapes: one 800×1088 image, FPN P2–P5 with 256 channels; 512 box RoIs pooled 7×7
 * (adaptive sampling, ROIAlignV2), fc6 12544→1024, fc7 1024→1024, 1,204 classes (+background)
 * and class-specific box regression; 128 mask RoIs (the 25 % foreground of 512) pooled 14×14,
 * 4× conv3×3 256 (one timed), deconv 2×2 → 28×28, and the mask predictor evaluated for the gt class
 * only. cpu runs reduced RoI counts unless --cpu-full (it is 30–50× slower) and is scaled linearly.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendChoice } from '../src/backends/index.js';
import { conv2dSame } from '../src/modeling/ops/conv2dSame.js';
import { deconv2x2 } from '../src/modeling/ops/deconv2x2.js';
import { dense } from '../src/modeling/ops/dense.js';
import { multiLevelRoiAlign } from '../src/modeling/ops/multiLevelRoiAlign.js';
import { assignFpnLevels } from '../src/modeling/ops/assignFpnLevels.js';
import { Rng } from '../src/util/rng.js';
import { writeFileAtomic } from '../src/util/atomicWrite.js';

function nativeInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
}

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const cpuFull = args.includes('--cpu-full');
const opt = (name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const backends = (opt('backends') ?? (nativeInstalled() ? 'wasm,tfjs-node,cpu' : 'wasm,cpu')).split(',') as BackendChoice[];
const onlyOps = opt('ops')?.split(',');
const reps = quick ? 3 : 7;

const C = 256;
const IMG: [number, number] = [800, 1088];
const CLASSES = 1204;

interface OpSpec {
  name: string;
  what: string;
  /** RoIs at full size (the unit cpu runs are scaled by). */
  rois: number;
  gflop: number;
  /** Builds inputs for `rois` RoIs; returns the differentiable function and its inputs. */
  build: (rois: number) => { f: (...xs: tf.Tensor[]) => tf.Tensor; inputs: tf.Tensor[]; dispose?: () => void };
  torch?: Record<string, unknown>;
}

function randomBoxes(rng: Rng, n: number): Float32Array {
  const b = new Float32Array(n * 4);
  for (let i = 0; i < n; i++) {
    const s = Math.exp(rng.uniform(Math.log(16), Math.log(600)));
    const ar = Math.exp(rng.uniform(-0.7, 0.7));
    const w = Math.min(s * ar, IMG[1]), h = Math.min(s / ar, IMG[0]);
    const x = rng.uniform(0, IMG[1] - w), y = rng.uniform(0, IMG[0] - h);
    b.set([x, y, x + w, y + h], i * 4);
  }
  return b;
}

const levelShapes = [2, 3, 4, 5].map((l) => [IMG[0] / 2 ** l, IMG[1] / 2 ** l] as [number, number]);
const t = (shape: number[], scale = 1, seed = 1) => tf.mul(tf.randomNormal(shape, 0, 1, 'float32', seed), scale);

const roiSpec = (name: string, rois: number, P: number): OpSpec => {
  const boxes = randomBoxes(new Rng(rois + P), rois);
  const lv = assignFpnLevels(boxes, { minLevel: 2, maxLevel: 5 });
  const perLevel = [2, 3, 4, 5].map((l) => lv.filter((v) => v === l).length);
  // adaptive grid ceil(roi / P) per axis on the RoI's level: the torch proxy samples as many points
  let samples = 0;
  for (let r = 0; r < rois; r++) {
    const sc = 1 / 2 ** lv[r]!;
    samples += Math.ceil(((boxes[r * 4 + 2]! - boxes[r * 4]!) * sc) / P) * Math.ceil(((boxes[r * 4 + 3]! - boxes[r * 4 + 1]!) * sc) / P);
  }
  const s = Math.max(1, Math.round(Math.sqrt(samples / rois)));
  return {
    name, rois, what: `multiLevelRoiAlign P2–P5 ${IMG[0]}×${IMG[1]}, C=${C}, ${rois} RoIs → ${P}×${P}, sr=0`,
    gflop: (samples * P * P * 4 * C * 2) / 1e9,
    build: (r) => {
      const feats = levelShapes.map(([h, w], i) => t([1, h, w, C], 1, i + 1));
      const bx = boxes.slice(0, r * 4);
      return {
        inputs: feats,
        f: (...fs) => multiLevelRoiAlign(fs as tf.Tensor4D[], bx, new Int32Array(r), { outputSize: P, samplingRatio: 0, minLevel: 2 }),
      };
    },
    torch: { kind: 'roiAlign', c: C, levels: levelShapes, p: P, s, roisPerLevel: perLevel },
  };
};

const denseSpec = (name: string, n: number, inF: number, outF: number, relu: boolean): OpSpec => ({
  name, rois: n, what: `dense${relu ? '+relu' : ''} [${n}×${inF}]@[${inF}×${outF}]`,
  gflop: (2 * n * inF * outF) / 1e9,
  build: (r) => ({
    inputs: [t([r, inF]), t([inF, outF], 0.01, 2), tf.zeros([outF])],
    f: (x, W, b) => dense(x as tf.Tensor2D, W as tf.Tensor2D, b as tf.Tensor1D, relu ? 'relu' : 'linear'),
  }),
  torch: { kind: 'dense', n, in: inF, out: outF, relu },
});

const SPECS: OpSpec[] = [
  roiSpec('roiAlignBox', 512, 7),
  denseSpec('fc6', 512, C * 49, 1024, true),
  denseSpec('fc7', 512, 1024, 1024, true),
  denseSpec('cls', 512, 1024, CLASSES + 1, false),
  denseSpec('bbox', 512, 1024, 4 * CLASSES, false),
  roiSpec('roiAlignMask', 128, 14),
  {
    name: 'maskConv', rois: 128, what: `conv2dSame 3×3+relu [128,14,14,${C}]→${C} (×4 in the head)`,
    gflop: (2 * 128 * 196 * 9 * C * C) / 1e9,
    build: (r) => ({
      inputs: [t([r, 14, 14, C]), t([3, 3, C, C], 0.02, 2), tf.zeros([C])],
      f: (x, W, b) => conv2dSame(x as tf.Tensor4D, W as tf.Tensor4D, b as tf.Tensor1D, { relu: true }),
    }),
    torch: { kind: 'conv', n: 128, cin: C, cout: C, h: 14, w: 14, k: 3 },
  },
  {
    name: 'deconv', rois: 128, what: `deconv2x2+relu [128,14,14,${C}]→[128,28,28,${C}]`,
    gflop: (2 * 128 * 196 * C * 4 * C) / 1e9,
    build: (r) => ({
      inputs: [t([r, 14, 14, C]), t([2, 2, C, C], 0.02, 2), tf.zeros([C])],
      f: (x, W, b) => deconv2x2(x as tf.Tensor4D, W as tf.Tensor4D, b as tf.Tensor1D, { relu: true }),
    }),
    torch: { kind: 'deconv', n: 128, cin: C, cout: C, h: 14, w: 14 },
  },
  {
    name: 'maskPredGt', rois: 128, what: `1×1 mask predictor, gt class only: [128,784,${C}]·W[cls] (${CLASSES} classes)`,
    gflop: (2 * 128 * 784 * C) / 1e9,
    build: (r) => {
      const cls = tf.tensor1d(Array.from({ length: r }, (_, i) => (i * 37) % CLASSES), 'int32');
      return {
        inputs: [t([r, 28, 28, C]), t([CLASSES, C], 0.01, 2)],
        f: (x, W) => tf.squeeze(tf.matMul(tf.reshape(x, [r, 784, C]), tf.expandDims(tf.gather(W, cls), 2)), [2]),
        dispose: () => cls.dispose(),
      };
    },
    torch: { kind: 'maskGt', n: 128, cin: C, h: 28, w: 28, classes: CLASSES },
  },
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function timeOp(spec: OpSpec, rois: number, n: number): { fwd: number; fwdbwd: number } {
  const { f, inputs, dispose } = spec.build(rois);
  const G = tf.tidy(() => tf.randomNormal(f(...inputs).shape, 0, 1, 'float32', 9));
  const fwd = () => tf.tidy(() => {
    f(...inputs).dataSync();
  });
  const fb = () => tf.tidy(() => {
    const gs = tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(f(...xs), G)))(inputs);
    for (const g of gs) g.dataSync();
  });
  const measure = (fn: () => void): number => {
    fn();
    const ts: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      fn();
      ts.push(performance.now() - t0);
    }
    return median(ts);
  };
  const out = { fwd: measure(fwd), fwdbwd: measure(fb) };
  tf.dispose([...inputs, G]);
  dispose?.();
  return out;
}

function runTorch(specs: OpSpec[], threads: number): Record<string, { fwd_ms: number; fwdbwd_ms: number }> | string {
  const py = process.env['BALMS_PYTHON'] ?? 'python3';
  const probe = spawnSync(py, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0) return `skipped (torch not importable with ${py})`;
  const spec = { threads, reps, ops: specs.filter((s) => s.torch).map((s) => ({ name: s.name, ...s.torch })) };
  const r = spawnSync(py, [new URL('./torch/ops.py', import.meta.url).pathname], {
    input: JSON.stringify(spec), encoding: 'utf8', maxBuffer: 1 << 24,
  });
  if (r.status !== 0) return `failed: ${r.stderr.split('\n').slice(-3).join(' ')}`;
  return JSON.parse(r.stdout) as Record<string, { fwd_ms: number; fwdbwd_ms: number }>;
}

async function main(): Promise<void> {
  const specs = SPECS.filter((s) => !onlyOps || onlyOps.includes(s.name));
  const results: Record<string, Record<string, unknown>> = {};
  for (const be of backends) {
    await initBackend(be);
    for (const s of specs) {
      const rois = be === 'cpu' && !cpuFull ? Math.max(8, s.rois / 16) : s.rois;
      const { fwd, fwdbwd } = timeOp(s, rois, be === 'cpu' ? (quick ? 1 : 3) : reps);
      const k = s.rois / rois;
      results[s.name] ??= {};
      results[s.name]![be] = { fwd_ms: fwd * k, fwdbwd_ms: fwdbwd * k, measuredRois: rois, scaled: k !== 1 };
      process.stderr.write(`${be} ${s.name}: fwd ${(fwd * k).toFixed(1)} ms, fwd+bwd ${(fwdbwd * k).toFixed(1)} ms${k !== 1 ? ` (×${k} from ${rois} RoIs)` : ''}\n`);
    }
  }
  const torch: Record<string, unknown> = {};
  for (const threads of [1, 2]) {
    const r = runTorch(specs, threads);
    torch[`threads${threads}`] = r;
    if (typeof r === 'string') {
      process.stderr.write(`pytorch (${threads} thread): ${r}\n`);
      break;
    }
  }
  // table
  const fast = backends.filter((b) => b !== 'cpu');
  const rows: string[][] = [['op', 'GFLOP', ...backends.flatMap((b) => [`${b} fwd`, `${b} f+b`]), 'torch1 f+b', 'torch2 f+b', ...fast.map((b) => `${b}/torch2`)]];
  const fmt = (v: unknown) => (typeof v === 'number' ? (v >= 100 ? v.toFixed(0) : v.toFixed(1)) : '–');
  const t1 = torch['threads1'], t2 = torch['threads2'];
  const tv = (tt: unknown, name: string) => (typeof tt === 'object' && tt ? (tt as Record<string, { fwdbwd_ms: number }>)[name]?.fwdbwd_ms : undefined);
  const totals: Record<string, number> = {};
  for (const s of specs) {
    const r = results[s.name]!;
    const fb = (b: string) => (r[b] as { fwdbwd_ms: number } | undefined)?.fwdbwd_ms;
    const p2 = tv(t2, s.name);
    const mult = s.name === 'maskConv' ? 4 : 1; // the head has four
    for (const be of backends) totals[be] = (totals[be] ?? 0) + mult * ((r[be] as { fwdbwd_ms: number }).fwdbwd_ms);
    totals['torch1'] = (totals['torch1'] ?? 0) + mult * (tv(t1, s.name) ?? NaN);
    totals['torch2'] = (totals['torch2'] ?? 0) + mult * (p2 ?? NaN);
    rows.push([
      s.name, s.gflop.toFixed(2),
      ...backends.flatMap((b) => [fmt((r[b] as { fwd_ms: number }).fwd_ms), fmt((r[b] as { fwdbwd_ms: number }).fwdbwd_ms)]),
      fmt(tv(t1, s.name)), fmt(p2), ...fast.map((b) => (fb(b) !== undefined && p2 ? (fb(b)! / p2).toFixed(2) : '–')),
    ]);
  }
  rows.push(['head total', '', ...backends.flatMap((b) => ['', fmt(totals[b])]), fmt(totals['torch1']), fmt(totals['torch2']),
    ...fast.map((b) => (totals[b] && totals['torch2'] ? (totals[b] / totals['torch2']).toFixed(2) : '–'))]);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  console.log(rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')).join('\n'));
  console.log('ms, median; f+b = forward+backward; head total counts maskConv ×4; torch roiAlign = grid_sample proxy with the same mean samples per bin (no torchvision)');
  const doc = {
    date: new Date().toISOString(), cpu: os.cpus()[0]?.model, cores: os.cpus().length, node: process.version,
    tfjs: tf.version_core, quick, repsMedianOf: reps, loadavg: os.loadavg(),
    ops: Object.fromEntries(specs.map((s) => [s.name, { what: s.what, gflop: s.gflop, ...results[s.name] }])),
    pytorch: torch, totalsFwdBwdMs: totals,
    headTotalVsTorch2: Object.fromEntries(fast.map((b) => [b, totals[b] && totals['torch2'] ? totals[b] / totals['torch2'] : null])),
  };
  writeFileAtomic(new URL('./results/ops.json', import.meta.url).pathname, JSON.stringify(doc, null, 2) + '\n');
}

await main();
