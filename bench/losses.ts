/**
 * Cost of Balanced Softmax over plain softmax CE in an LVIS-size classifier training step:
 * 512 RoIs × 1,024-d features → FC → 1,204 logits (1,203 LVIS v1 classes + background),
 * forward + backward + SGD, on the cpu and wasm backends. Also times the loss alone
 * (forward + gradient w.r.t. fixed logits). Runs alternate A/B and report medians.
 *
 *   npx tsx bench/losses.ts [--quick]
 *
 * Writes bench/results/losses.json.
 */
import * as tf from '@tensorflow/tfjs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend } from '../src/backends/index.js';
import { detectionBalancedSoftmaxLoss } from '../src/losses/detectionBalancedSoftmax.js';
import { softmaxCrossEntropyLoss } from '../src/losses/softmaxCrossEntropy.js';
import { writeFileAtomic } from '../src/util/atomicWrite.js';
import { Rng } from '../src/util/rng.js';

const quick = process.argv.includes('--quick');
const N = 512, D = 1024, K = 1203, C = K + 1;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const rng = new Rng(2020);
const feats = Float32Array.from({ length: N * D }, () => rng.normal());
const labels = Int32Array.from({ length: N }, () => (rng.next() < 0.75 ? K : rng.int(K)));
// LVIS-like long-tailed image counts.
const counts = Float64Array.from({ length: K }, () => Math.max(1, Math.round(Math.exp(rng.uniform(0, Math.log(1100))))));
const logitsInit = Float32Array.from({ length: N * C }, () => rng.normal());

function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/**
 * The process CPU time (user + sys) of one call, in ms, and its wall time. cpu and wasm run
 * single-threaded in Node, so CPU time is the work done and is not inflated when other
 * processes compete for the cores (wall time is, by up to several ×, on a shared machine).
 */
function timed(fn: () => void): { cpu: number; wall: number } {
  const c0 = process.cpuUsage(), t0 = performance.now();
  fn();
  const c = process.cpuUsage(c0);
  return { cpu: (c.user + c.system) / 1000, wall: performance.now() - t0 };
}

interface Row {
  backend: string; what: string; runs: number;
  /** medians of process CPU time, ms */
  softmaxCpuMs: number; balancedCpuMs: number; ratio: number;
  /** medians of wall time, ms */
  softmaxWallMs: number; balancedWallMs: number; wallRatio: number;
  /** ratio of the fastest runs' CPU times (least disturbed by other processes) */
  minRatio: number;
}

async function benchBackend(backend: 'cpu' | 'wasm', runs: number): Promise<Row[]> {
  await initBackend(backend);
  const X = tf.tensor2d(feats, [N, D]);
  const Y = tf.tensor1d(labels, 'int32');
  const wRng = new Rng(7);
  const W = tf.variable(tf.tensor2d(Float32Array.from({ length: D * C }, () => 0.01 * wRng.normal()), [D, C]));
  const b = tf.variable(tf.zeros([C]));
  const opt = tf.train.sgd(0.01);
  const losses = {
    softmax: (z: tf.Tensor2D) => softmaxCrossEntropyLoss(z, Y),
    balanced: (z: tf.Tensor2D) => detectionBalancedSoftmaxLoss(z, Y, counts, { background: { mode: 'fraction', fraction: 0.75 } }),
  };
  const step = (f: (z: tf.Tensor2D) => tf.Tensor) =>
    timed(() => {
      const cost = opt.minimize(() => f(tf.add(tf.matMul(X, W), b) as tf.Tensor2D) as tf.Scalar, true, [W, b]);
      cost!.dataSync();
      cost!.dispose();
    });
  const Z = tf.tensor2d(logitsInit, [N, C]);
  const lossOnly = (f: (z: tf.Tensor2D) => tf.Tensor) =>
    timed(() =>
      tf.tidy(() => {
        tf.grad((z: tf.Tensor) => f(z as tf.Tensor2D) as tf.Scalar)(Z).dataSync();
      }),
    );
  const rows: Row[] = [];
  for (const [what, fn, reps] of [['train step', step, runs], ['loss fwd+bwd', lossOnly, runs * 4]] as const) {
    fn(losses.softmax); fn(losses.balanced); // warm-up
    const ta: Array<{ cpu: number; wall: number }> = [], tb: typeof ta = [];
    for (let r = 0; r < reps; r++) {
      if (r % 2) { tb.push(fn(losses.balanced)); ta.push(fn(losses.softmax)); }
      else { ta.push(fn(losses.softmax)); tb.push(fn(losses.balanced)); }
    }
    const a = median(ta.map((t) => t.cpu)), bm = median(tb.map((t) => t.cpu));
    const aw = median(ta.map((t) => t.wall)), bw = median(tb.map((t) => t.wall));
    const minRatio = Math.min(...tb.map((t) => t.cpu)) / Math.min(...ta.map((t) => t.cpu));
    rows.push({ backend, what, runs: reps, softmaxCpuMs: a, balancedCpuMs: bm, ratio: bm / a, softmaxWallMs: aw, balancedWallMs: bw, wallRatio: bw / aw, minRatio });
    console.error(`${backend} ${what}: CPU ms softmax ${a.toFixed(1)}, balanced ${bm.toFixed(1)}, ratio ${(bm / a).toFixed(4)} (wall ${aw.toFixed(1)} / ${bw.toFixed(1)})`);
  }
  const before = tf.memory().numTensors;
  step(losses.balanced);
  if (tf.memory().numTensors !== before) throw new Error(`tensor leak: ${before} → ${tf.memory().numTensors}`);
  tf.dispose([X, Y, W, b, Z]);
  opt.dispose();
  return rows;
}

const rows = [
  ...(await benchBackend('cpu', quick ? 3 : 9)),
  ...(await benchBackend('wasm', quick ? 7 : 41)),
];

console.log(`\nBalanced Softmax vs softmax CE, ${N} RoIs × ${D}-d → ${C} logits`);
console.log('(median process CPU ms per call; ratio = balanced / softmax; wall-clock medians alongside)');
console.log('backend  what            softmax  balanced   ratio  min-ratio | wall: softmax balanced   ratio  runs');
for (const r of rows) {
  console.log(
    `${r.backend.padEnd(8)} ${r.what.padEnd(14)} ${r.softmaxCpuMs.toFixed(1).padStart(8)} ${r.balancedCpuMs.toFixed(1).padStart(9)} ${r.ratio.toFixed(4).padStart(7)} ${r.minRatio.toFixed(4).padStart(10)} |` +
      ` ${r.softmaxWallMs.toFixed(1).padStart(13)} ${r.balancedWallMs.toFixed(1).padStart(8)} ${r.wallRatio.toFixed(4).padStart(7)} ${String(r.runs).padStart(5)}`,
  );
}
const steps = rows.filter((r) => r.what === 'train step');
const ok = steps.every((r) => r.ratio <= 1.02);
console.log(`train-step overhead ≤ 2 %: ${ok ? 'yes' : 'NO'} (${steps.map((r) => `${r.backend} ${((r.ratio - 1) * 100).toFixed(2)} %`).join(', ')})`);

writeFileAtomic(
  join(root, 'bench', 'results', 'losses.json'),
  JSON.stringify({
    date: new Date().toISOString(),
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    node: process.version,
    tfjs: tf.version.tfjs,
    quick,
    setup: { rois: N, featureDim: D, logits: C, optimizer: 'sgd', balanced: 'detectionBalancedSoftmaxLoss, background fraction 0.75' },
    rows,
    overheadWithin2Percent: ok,
  }, null, 2) + '\n',
);
