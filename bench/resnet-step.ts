/**
 * Training-step time of the paper's CIFAR model: ResNet-32 (official BALMS layout, option-A
 * shortcuts, 10 classes) on a batch of 128 32×32 images. One step = train-mode forward + softmax
 * cross-entropy + backward + SGD-momentum update of every parameter + the BatchNorm running-stat
 * update. Backends: tfjs-node when installed (`balms setup native`) and wasm unless `--quick` (cpu is
 * minutes per step and not run); PyTorch (CPU, 1 thread and its default thread count) on the same model
 * in the same run when importable, with each backend's ratio to it (the target: native within
 * 1.2× PyTorch at the same thread count).
 *
 * Each tfjs backend runs in its own child process, so a crash is reported instead of ending the run.
 *
 *   npx tsx bench/resnet-step.ts [--quick] [--steps N] [--depth 6n+2] [--batch N]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backends/index.js';
import { ImageClassifier } from '../src/modeling/classification/index.js';
import { writeFileAtomic } from '../src/util/atomicWrite.js';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    steps: { type: 'string', default: '5' },
    depth: { type: 'string', default: '32' },
    batch: { type: 'string', default: '128' },
    worker: { type: 'string' },
  },
});
const STEPS = Number(args.steps);
const DEPTH = Number(args.depth);
const BATCH = Number(args.batch);
const CLASSES = 10;
const here = path.dirname(fileURLToPath(import.meta.url));

interface Figures {
  backend: string;
  error?: string;
  stepMs: number[];
  medianStepMs: number;
  /** Median process CPU time of a step (all threads): steadier than wall time on a busy machine. */
  medianStepCpuMs: number;
  forwardMs: number;
  /** This backend's median step over PyTorch's (1 thread, default threads) in the same run. */
  vsTorch?: { oneThread: number | null; allThreads: number | null };
}

type Backend = 'wasm' | 'tfjs-node';

async function runTfjs(backend: Backend, steps: number): Promise<Figures> {
  await initBackend(backend);
  const model = new ImageClassifier({ numClasses: CLASSES, depth: DEPTH, seed: 0 });
  const x = tf.randomNormal([BATCH, 32, 32, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
  const y = tf.tidy(() => tf.oneHot(tf.randomUniform([BATCH], 0, CLASSES, 'int32', 2) as tf.Tensor1D, CLASSES));
  const opt = tf.train.momentum(0.1, 0.9);
  const vars = [...model.variables().values()];
  const times: number[] = [];
  const cpu: number[] = [];
  for (let s = 0; s < steps + 1; s++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const l = opt.minimize(() => tf.losses.softmaxCrossEntropy(y, model.logits(x, { training: true })) as tf.Scalar, true, vars);
    model.updateRunningStats();
    l!.dataSync();
    l!.dispose();
    const ms = performance.now() - t0;
    const c = process.cpuUsage(c0);
    if (s > 0 || steps === 0) {
      times.push(ms);
      cpu.push((c.user + c.system) / 1000);
    }
    process.stderr.write(`  ${backend} step ${s}${s === 0 ? ' (warm-up)' : ''}: ${ms.toFixed(0)} ms\n`);
  }
  const f0 = performance.now();
  tf.tidy(() => {
    tf.losses.softmaxCrossEntropy(y, model.logits(x, { training: true })).dataSync();
  });
  const forwardMs = performance.now() - f0;
  model.discardPendingStats();
  opt.dispose();
  tf.dispose([x, y]);
  model.dispose();
  return { backend, stepMs: times, medianStepMs: median(times), medianStepCpuMs: median(cpu), forwardMs };
}

function median(v: number[]): number {
  const sorted = [...v].sort((a, b) => a - b);
  return sorted[(sorted.length - 1) >> 1]!;
}

function runTorch(): Record<string, number> | string {
  const py = process.env.BALMS_PYTHON ?? 'python3';
  try {
    execFileSync(py, ['-c', 'import torch'], { stdio: 'ignore' });
  } catch {
    return `skipped (${py} cannot import torch)`;
  }
  const out = execFileSync(py, [path.join(here, 'resnet_step_torch.py'), String(STEPS), String(DEPTH), String(BATCH)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(out.trim().split('\n').pop()!) as Record<string, number>;
}

/** Runs one backend in a child process and returns its figures (or the error it died with). */
function runChild(backend: Backend, steps: number): Figures {
  const self = fileURLToPath(import.meta.url);
  const child = spawnSync(process.execPath, [...process.execArgv, self, '--worker', backend, '--steps', String(steps), '--depth', String(DEPTH), '--batch', String(BATCH)], {
    encoding: 'utf8', maxBuffer: 1 << 26,
  });
  const errLines = (child.stderr ?? '').split('\n').filter((l) => l.length > 0 && l.length < 300 && !l.startsWith('    at '));
  for (const l of errLines) if (/step|Error|Abort/.test(l)) process.stderr.write(l + '\n');
  if (child.status === 0) return JSON.parse(child.stdout.trim().split('\n').pop()!) as Figures;
  const error = errLines.find((l) => /Error|Abort/.test(l)) ?? `exit ${child.status ?? child.signal}`;
  return { backend, error, stepMs: [], medianStepMs: NaN, medianStepCpuMs: NaN, forwardMs: NaN };
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
if (nativeInstalled()) results.push(runChild('tfjs-node', STEPS));
else process.stderr.write('tfjs-node: not installed (npx balms setup native), skipped\n');
if (!args.quick) results.push(runChild('wasm', Math.min(STEPS, 2)));
const torch = runTorch();

console.log(`\nResNet-${DEPTH} training step: batch ${BATCH}, 32×32×3, ${CLASSES} classes, SGD momentum`);
const tN = typeof torch === 'object' ? torch.step_ms : undefined;
const t1 = typeof torch === 'object' ? torch.step_ms_1thread : undefined;
const nThreads = typeof torch === 'object' ? torch.threads : undefined;
console.log(`backend              median step ms   forward ms   vs torch(1 thread)   vs torch(${nThreads ?? 'N'} threads)   step CPU ms`);
for (const r of results) {
  if (r.error) {
    console.log(`tfjs ${r.backend.padEnd(15)} failed: ${r.error}`);
    continue;
  }
  r.vsTorch = { oneThread: t1 ? r.medianStepMs / t1 : null, allThreads: tN ? r.medianStepMs / tN : null };
  const ratio = t1 ? `${(r.medianStepMs / t1).toFixed(2)}×` : '–';
  const ratioN = tN ? `${(r.medianStepMs / tN).toFixed(2)}×` : '–';
  console.log(`tfjs ${r.backend.padEnd(15)} ${r.medianStepMs.toFixed(0).padStart(15)} ${r.forwardMs.toFixed(0).padStart(12)}   ${ratio.padStart(18)}   ${ratioN.padStart(18)}   ${r.medianStepCpuMs.toFixed(0).padStart(11)}`);
}
if (typeof torch === 'object') {
  console.log(`torch 1 thread       ${torch.step_ms_1thread!.toFixed(0).padStart(15)} ${torch.forward_ms_1thread!.toFixed(0).padStart(12)}   ${'1.00×'.padStart(18)}   ${(t1! / tN!).toFixed(2).padStart(17)}×   ${torch.step_cpu_ms_1thread!.toFixed(0).padStart(11)}`);
  console.log(`torch ${String(torch.threads).padEnd(2)} threads      ${torch.step_ms!.toFixed(0).padStart(15)} ${torch.forward_ms!.toFixed(0).padStart(12)}   ${(tN! / t1!).toFixed(2).padStart(17)}×   ${'1.00×'.padStart(18)}   ${torch.step_cpu_ms!.toFixed(0).padStart(11)}`);
} else {
  console.log(`torch: ${torch}`);
}

const json = {
  date: new Date().toISOString(),
  cpu: os.cpus()[0]?.model,
  cores: os.cpus().length,
  node: process.version,
  tfjs: tf.version.tfjs,
  loadavg: os.loadavg(),
  shapes: { depth: DEPTH, batch: BATCH, image: [32, 32, 3], classes: CLASSES, optimizer: 'sgd momentum 0.9' },
  quick: args.quick,
  steps: STEPS,
  tfjs_results: results,
  torch,
};
const file = path.join(here, 'results', 'resnet-step.json');
writeFileAtomic(file, JSON.stringify(json, null, 2) + '\n');
console.log(`wrote ${path.relative(process.cwd(), file)}`);
