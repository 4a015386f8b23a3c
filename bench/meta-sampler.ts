/**
 * Cost of one Meta Sampler / Meta Reweighter step against one plain classifier training step at
 * LVIS size: 512 RoIs × 1,204 classes, 1,024-d detached features, a linear classifier, a
 * class-balanced meta batch of 512, on the cpu and wasm backends (single-threaded).
 *   plain step: logits, Balanced Softmax, dW = Xᵀ·Δ (explicit transpose), db, SGD update.
 *   meta step:  the one-step look-ahead meta-gradient (linearLookAhead) + Adam on w.
 *   fused iteration: a Meta Sampler step that also returns the training gradient
 *               (`{ trainGradient: true }`) + the SGD update — a whole BALMS iteration.
 * Usage: npx tsx bench/meta-sampler.ts [--quick]   → bench/results/meta-sampler.json
 */
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backends/index.js';
import { balancedSoftmaxLoss } from '../src/losses/balancedSoftmax.js';
import { MetaReweighter, MetaSampler, type MetaStepInput } from '../src/meta/index.js';
import { writeFileAtomic } from '../src/util/atomicWrite.js';
import { Rng } from '../src/util/rng.js';

const quick = process.argv.includes('--quick');
const B = 512, M = 512, D = 1024, C = 1204, LR = 0.02;

function randn(rng: Rng, n: number, s: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = s * rng.normal();
  return a;
}

function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

async function runBackend(name: 'cpu' | 'wasm', reps: number) {
  await initBackend(name); // as the library runs: training kernels registered on cpu/wasm
  const rng = new Rng(1);
  // long-tailed counts, like LVIS image counts (1 … ~10k)
  const counts = Array.from({ length: C }, (_, c) => Math.max(1, Math.round(10000 * Math.pow(1e-4, c / (C - 1)))));
  const W = tf.variable(tf.tensor2d(randn(rng, D * C, 0.01), [D, C]));
  const b = tf.variable(tf.zeros([C]));
  const X = tf.tensor2d(randn(rng, B * D, 1), [B, D]);
  const y = tf.tensor1d(Int32Array.from({ length: B }, () => rng.int(C)), 'int32');
  const Xm = tf.tensor2d(randn(rng, M * D, 1), [M, D]);
  const ym = tf.tensor1d(Int32Array.from({ length: M }, (_, i) => i % C), 'int32');
  const input: MetaStepInput = {
    classifier: { weight: W as tf.Tensor2D, bias: b as tf.Tensor1D },
    train: { features: X, labels: y },
    meta: { features: Xm, labels: ym },
    step: { lr: LR },
  };
  const ms = new MetaSampler({ classCounts: counts });
  const rw = new MetaReweighter({ numClasses: C, classCounts: counts });

  const plainStep = () => {
    tf.tidy(() => {
      const Z = tf.add(tf.matMul(X, W), b) as tf.Tensor2D;
      const delta = tf.grad((z: tf.Tensor) => balancedSoftmaxLoss(z as tf.Tensor2D, y, counts) as tf.Scalar)(Z);
      const dW = tf.matMul(tf.transpose(X), delta);
      const db = tf.sum(delta, 0);
      W.assign(tf.sub(W, tf.mul(dW, LR)) as tf.Tensor2D);
      b.assign(tf.sub(b, tf.mul(db, LR)) as tf.Tensor1D);
    });
    b.dataSync(); // wait for the backend
  };
  const time = (f: () => unknown) => {
    f(); // warm-up
    const t: number[] = [];
    for (let r = 0; r < reps; r++) {
      const t0 = performance.now();
      f();
      t.push(performance.now() - t0);
    }
    return median(t);
  };
  const before = tf.memory().numTensors;
  const plain = time(plainStep);
  const sampler = time(() => ms.step(input));
  const reweighter = time(() => rw.step(input));
  const fused = time(() => {
    const r = ms.step(input, { trainGradient: true });
    const g = r.trainGradient!;
    tf.tidy(() => {
      W.assign(tf.sub(W, tf.mul(g.weight, LR)) as tf.Tensor2D);
      b.assign(tf.sub(b, tf.mul(g.bias, LR)) as tf.Tensor1D);
    });
    tf.dispose([g.weight, g.bias]);
    b.dataSync();
  });
  const leaked = tf.memory().numTensors - before;
  tf.dispose([W, b, X, y, Xm, ym]);
  return {
    backend: name,
    reps,
    plainStepMs: plain,
    metaSamplerStepMs: sampler,
    metaReweighterStepMs: reweighter,
    metaSamplerOverPlain: sampler / plain,
    metaReweighterOverPlain: reweighter / plain,
    iterationWithMetaSamplerOverPlain: (sampler + plain) / plain,
    fusedIterationMs: fused,
    fusedIterationOverPlain: fused / plain,
    leakedTensors: leaked,
  };
}

const rows = [];
for (const [be, reps] of [['cpu', quick ? 1 : 3], ['wasm', quick ? 3 : 10]] as const) {
  process.stderr.write(`running ${be} (${reps} reps)…\n`);
  rows.push(await runBackend(be, reps));
}
const f = (v: number) => v.toFixed(0).padStart(9);
const r2 = (v: number) => v.toFixed(2).padStart(7);
console.log(`Meta step vs plain step, B=${B} RoIs, M=${M} meta, D=${D}, C=${C} (median ms)`);
console.log('backend    plain  metaSampler  metaReweighter    fused   sampler/plain  reweighter/plain  (plain+sampler)/plain  fused/plain');
for (const r of rows) {
  console.log(
    `${r.backend.padEnd(6)} ${f(r.plainStepMs)} ${f(r.metaSamplerStepMs)}    ${f(r.metaReweighterStepMs)}   ${f(r.fusedIterationMs)}      ${r2(r.metaSamplerOverPlain)}        ${r2(r.metaReweighterOverPlain)}             ${r2(r.iterationWithMetaSamplerOverPlain)}          ${r2(r.fusedIterationOverPlain)}`,
  );
}
const out = {
  name: 'meta-sampler',
  date: new Date().toISOString(),
  cpu: os.cpus()[0]?.model ?? 'unknown',
  cores: os.cpus().length,
  node: process.version,
  quick,
  shape: { rois: B, metaBatch: M, featureDim: D, classes: C },
  results: rows,
};
const path = join(dirname(fileURLToPath(import.meta.url)), 'results', 'meta-sampler.json');
writeFileAtomic(path, JSON.stringify(out, null, 2) + '\n');
console.log(`wrote ${path}`);
