/**
 * Training-step time of the Mask R-CNN RoI head at realistic sizes: 512 sampled RoIs (128
 * foreground) from one image, FPN P2–P5 with 256 channels (800×800 input), box branch on 7×7
 * RoIAlign → FC 1024 → FC 1024 → 1,204 + 1 Balanced Softmax logits and 4·1,204 deltas, mask
 * branch on 14×14 → 4× conv 256 → deconv → 28×28 for the 128 foreground RoIs. One step =
 * sampling + forward + backward + SGD-momentum update of all head parameters.
 * Backends: wasm, tfjs-node when installed (`balms setup native`), and cpu unless `--quick`; PyTorch
 * (CPU, 1 thread and all cores) on the same shapes when importable, with each backend's ratio to it.
 *
 * Each tfjs backend runs in its own child process, so a crash (e.g. the 4 GB wasm heap running
 * out) is reported instead of ending the benchmark.
 *
 * With `--profile` one more step per backend runs under `tf.profile` and the kernels' summed
 * times (nested kernels, e.g. inside a customGrad, count in their scope too) are printed and saved.
 *
 *   npx tsx bench/roi-head-step.ts [--quick] [--steps N] [--fg N] [--profile]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backends/index.js';
import { defaultDetectorConfig } from '../src/modeling/config.js';
import { createClassifierLoss } from '../src/losses/index.js';
import { ParameterStore } from '../src/modeling/parameterStore.js';
import { RoIHeads, type FeatureLevel, type InstanceTargets } from '../src/modeling/roiHeads.js';
import { writeFileAtomic } from '../src/util/atomicWrite.js';
import { Rng } from '../src/util/rng.js';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    steps: { type: 'string', default: '3' },
    fg: { type: 'string', default: '128' },
    profile: { type: 'boolean', default: false },
    worker: { type: 'string' },
  },
});
const STEPS = Number(args.steps);
const FG = Number(args.fg);
const K = 1204;
const C = 256;
const IMAGE = 800;
const NUM_GT = 24;
const here = path.dirname(fileURLToPath(import.meta.url));

function makeData(rng: Rng): { targets: InstanceTargets[]; proposals: Float32Array[] } {
  const boxes = new Float32Array(NUM_GT * 4);
  const classes = new Int32Array(NUM_GT);
  const polygons: number[][][] = [];
  for (let g = 0; g < NUM_GT; g++) {
    const w = rng.uniform(24, 400), h = rng.uniform(24, 400);
    const x = rng.uniform(0, IMAGE - w), y = rng.uniform(0, IMAGE - h);
    boxes.set([x, y, x + w, y + h], 4 * g);
    classes[g] = rng.int(K);
    polygons.push([[x, y + h / 2, x + w / 2, y, x + w, y + h / 2, x + w / 2, y + h]]);
  }
  const props = new Float32Array(2000 * 4);
  for (let i = 0; i < 2000; i++) {
    if (i < 600) {
      const g = i % NUM_GT;
      const [x1, y1, x2, y2] = boxes.subarray(4 * g, 4 * g + 4);
      const w = x2! - x1!, h = y2! - y1!;
      props.set([x1! + 0.08 * w * rng.uniform(-1, 1), y1! + 0.08 * h * rng.uniform(-1, 1), x2! + 0.08 * w * rng.uniform(-1, 1), y2! + 0.08 * h * rng.uniform(-1, 1)], 4 * i);
    } else {
      const w = rng.uniform(16, 500), h = rng.uniform(16, 500);
      const x = rng.uniform(0, IMAGE - w), y = rng.uniform(0, IMAGE - h);
      props.set([x, y, x + w, y + h], 4 * i);
    }
  }
  return { targets: [{ boxes, classes, polygons }], proposals: [props] };
}

interface Figures {
  backend: string;
  peakHeapMB?: number;
  error?: string;
  stepMs: number[];
  medianStepMs: number;
  forwardMs: number;
  numFg: number;
  numRois: number;
  /** This backend's median step over PyTorch's (1 thread, all threads) in the same run. */
  vsTorch?: { oneThread: number | null; allThreads: number | null };
  /** With --profile: per kernel name, calls and summed milliseconds of one step, slowest first. */
  kernels?: Array<{ name: string; calls: number; ms: number }>;
}

type Backend = 'wasm' | 'cpu' | 'tfjs-node';

async function runTfjs(backend: Backend, steps: number): Promise<Figures> {
  await initBackend(backend);
  // exactly FG foreground RoIs of 512 (there are far more foreground proposals than that)
  const cfg = { ...defaultDetectorConfig(K).roiHeads, positiveFraction: FG / 512 };
  const rng = new Rng(1);
  const counts = Array.from({ length: K }, () => 1 + rng.int(1000));
  const loss = createClassifierLoss({ type: 'balanced_softmax' }, { imageCount: counts, instanceCount: counts, numTrainImages: 10000 });
  const store = new ParameterStore(new Rng(0));
  const heads = new RoIHeads({ store, config: cfg, numClasses: K, inChannels: C, classifierLoss: loss });
  const feats: FeatureLevel[] = [2, 3, 4, 5].map((l) => {
    const s = IMAGE / 2 ** l;
    return { features: tf.randomNormal([1, s, s, C], 0, 1, 'float32', l) as tf.Tensor4D, stride: 2 ** l };
  });
  const { targets, proposals } = makeData(new Rng(2));
  const sampled = heads.sample(proposals, targets, new Rng(3))[0]!;
  const opt = tf.train.momentum(0.02, 0.9);
  const times: number[] = [];
  for (let s = 0; s < steps + 1; s++) {
    const t0 = performance.now();
    const l = opt.minimize(() => tf.addN(Object.values(heads.losses(feats, proposals, targets, new Rng(3)))) as tf.Scalar, true);
    l!.dataSync();
    l!.dispose();
    const ms = performance.now() - t0;
    if (s > 0 || steps === 0) times.push(ms);
    process.stderr.write(`  ${backend} step ${s}${s === 0 ? ' (warm-up)' : ''}: ${ms.toFixed(0)} ms\n`);
  }
  const f0 = performance.now();
  tf.tidy(() => {
    const l = heads.losses(feats, proposals, targets, new Rng(3));
    tf.addN(Object.values(l)).dataSync();
  });
  const forwardMs = performance.now() - f0;
  const kernels = args.profile ? await profileStep(() => {
    const l = opt.minimize(() => tf.addN(Object.values(heads.losses(feats, proposals, targets, new Rng(3)))) as tf.Scalar, true);
    l!.dataSync();
    l!.dispose();
  }) : undefined;
  opt.dispose();
  tf.dispose(feats.map((f) => f.features));
  store.dispose();
  const sorted = [...times].sort((a, b) => a - b);
  return { backend, stepMs: times, peakHeapMB: heapMB(), medianStepMs: sorted[(sorted.length - 1) >> 1]!, forwardMs, numFg: sampled.numFg, numRois: sampled.classes.length, kernels };
}

/** Kernel times of one call of `step`, summed per kernel name, slowest first. */
async function profileStep(step: () => void): Promise<Array<{ name: string; calls: number; ms: number }>> {
  const info = await tf.profile(step);
  const by = new Map<string, { name: string; calls: number; ms: number }>();
  for (const k of info.kernels) {
    const e = by.get(k.name) ?? { name: k.name, calls: 0, ms: 0 };
    e.calls++;
    e.ms += Number(k.kernelTimeMs) || 0;
    by.set(k.name, e);
  }
  return [...by.values()].sort((a, b) => b.ms - a.ms).map((e) => ({ ...e, ms: Math.round(e.ms * 10) / 10 }));
}

function runTorch(): Record<string, number> | string {
  const py = process.env.BALMS_PYTHON ?? 'python3';
  try {
    execFileSync(py, ['-c', 'import torch'], { stdio: 'ignore' });
  } catch {
    return `skipped (${py} cannot import torch)`;
  }
  const out = execFileSync(py, [path.join(here, 'roi_head_step_torch.py'), String(STEPS)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(out.trim().split('\n').pop()!) as Record<string, number>;
}

function heapMB(): number | undefined {
  const wasm = (tf.backend() as unknown as { wasm?: { HEAPU8: Uint8Array } }).wasm;
  return wasm ? Math.round(wasm.HEAPU8.length / 1e6) : undefined;
}

/** Runs one backend in a child process and returns its figures (or the error it died with). */
function runChild(backend: Backend, steps: number): Figures {
  const self = fileURLToPath(import.meta.url);
  const child = spawnSync(process.execPath, [...process.execArgv, self, '--worker', backend, '--steps', String(steps), '--fg', String(FG), ...(args.profile ? ['--profile'] : [])], {
    encoding: 'utf8', maxBuffer: 1 << 26,
  });
  // Forward the child's short progress lines (a wasm crash dumps the minified glue code on one line).
  const errLines = (child.stderr ?? '').split('\n').filter((l) => l.length > 0 && l.length < 300 && !l.startsWith('    at '));
  for (const l of errLines) if (/step|Error|Abort/.test(l)) process.stderr.write(l + '\n');
  if (child.status === 0) return JSON.parse(child.stdout.trim().split('\n').pop()!) as Figures;
  const error = errLines.find((l) => /Error|Abort/.test(l)) ?? `exit ${child.status ?? child.signal}`;
  return { backend, error, stepMs: [], medianStepMs: NaN, forwardMs: NaN, numFg: FG, numRois: 512 };
}

function nativeInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
}

if (args.worker) {
  const r = await runTfjs(args.worker as Backend, STEPS);
  console.log(JSON.stringify(r));
  process.exit(0);
}

const results: Figures[] = [];
results.push(runChild('wasm', STEPS));
if (nativeInstalled()) results.push(runChild('tfjs-node', STEPS));
else process.stderr.write('tfjs-node: not installed (npx balms setup native), skipped\n');
if (!args.quick) results.push(runChild('cpu', Math.min(STEPS, 1)));
const torch = runTorch();

console.log(`\nRoI head training step: 512 RoIs (${FG} fg), C=${C}, 7×7 → FC1024×2 → ${K + 1} cls + ${4 * K} box; mask 14×14 → 4×conv${C} → 28×28`);
const tN = typeof torch === 'object' ? torch.step_ms : undefined;
const nThreads = typeof torch === 'object' ? torch.threads : undefined;
console.log(`backend              median step ms   forward ms   vs torch(1 thread)   vs torch(${nThreads ?? 'N'} threads)`);
const t1 = typeof torch === 'object' ? torch.step_ms_1thread : undefined;
for (const r of results) {
  if (r.error) {
    console.log(`tfjs ${r.backend.padEnd(15)} failed: ${r.error}`);
    continue;
  }
  const ratio = t1 ? `${(r.medianStepMs / t1).toFixed(2)}×` : '–';
  const ratioN = tN ? `${(r.medianStepMs / tN).toFixed(2)}×` : '–';
  r.vsTorch = { oneThread: t1 ? r.medianStepMs / t1 : null, allThreads: tN ? r.medianStepMs / tN : null };
  console.log(`tfjs ${r.backend.padEnd(15)} ${r.medianStepMs.toFixed(0).padStart(15)} ${r.forwardMs.toFixed(0).padStart(12)}   ${ratio.padStart(18)}   ${ratioN.padStart(18)}`);
}
if (typeof torch === 'object') {
  console.log(`torch 1 thread       ${torch.step_ms_1thread!.toFixed(0).padStart(15)} ${torch.forward_ms_1thread!.toFixed(0).padStart(12)}   ${'1.00×'.padStart(18)}   ${(t1! / tN!).toFixed(2).padStart(17)}×`);
  console.log(`torch ${String(torch.threads).padEnd(2)} threads      ${torch.step_ms!.toFixed(0).padStart(15)} ${torch.forward_ms!.toFixed(0).padStart(12)}   ${(tN! / t1!).toFixed(2).padStart(17)}×   ${'1.00×'.padStart(18)}`);
} else {
  console.log(`torch: ${torch}`);
}
for (const r of results) {
  if (!r.kernels) continue;
  console.log(`\nkernels of one ${r.backend} step (ms summed per name; a customGrad's 'unnamed scope' includes its kernels):`);
  for (const k of r.kernels.slice(0, 20)) console.log(`  ${k.name.padEnd(28)} ${String(k.calls).padStart(4)} × ${k.ms.toFixed(1).padStart(9)} ms`);
}

const json = {
  date: new Date().toISOString(),
  cpu: os.cpus()[0]?.model,
  cores: os.cpus().length,
  node: process.version,
  tfjs: tf.version.tfjs,
  loadavg: os.loadavg(),
  shapes: { rois: 512, foreground: FG, channels: C, pooled: 7, fc: [1024, 1024], classes: K, maskPooled: 14, maskConvs: 4, maskSize: 28, fpnLevels: 'P2-P5 of 800x800', samplingRatio: 2 },
  quick: args.quick,
  tfjs_results: results,
  torch,
};
const file = path.join(here, 'results', 'roi-head-step.json');
writeFileAtomic(file, JSON.stringify(json, null, 2) + '\n');
console.log(`wrote ${path.relative(process.cwd(), file)}`);
