/**
 * Does a worker_threads split of a big matMul pay on wasm (which has no threads in Node)?
 * Times fc6's forward product [512×12544]@[12544×1024] on one thread against a 2-way column split:
 * the main thread computes half while a worker (own wasm backend) computes the other half, inputs
 * handed over through SharedArrayBuffers (the copies are included — a training step's weights and
 * activations change every step). Writes bench/results/threads.json.
 *
 *   npx tsx bench/threads.ts [--quick]
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backends/index.js';
import { writeFileAtomic } from '../src/util/atomicWrite.js';

const quick = process.argv.includes('--quick');
const reps = quick ? 3 : 7;
const [M, K, N] = [512, 12544, 1024];

await initBackend('wasm');
const worker = new Worker(new URL('./workers/matmulWorker.mjs', import.meta.url));
await new Promise<void>((res) => worker.once('message', () => res()));

const x = tf.randomNormal([M, K]) as tf.Tensor2D;
const W = tf.randomNormal([K, N], 0, 0.01) as tf.Tensor2D;
const half = N / 2;

function single(): void {
  tf.tidy(() => {
    tf.matMul(x, W).dataSync();
  });
}

async function split(): Promise<{ copyMs: number }> {
  const t0 = performance.now();
  const aBuf = new SharedArrayBuffer(M * K * 4);
  const bBuf = new SharedArrayBuffer(K * half * 4);
  const outBuf = new SharedArrayBuffer(M * half * 4);
  new Float32Array(aBuf).set(x.dataSync());
  const W2 = tf.tidy(() => tf.slice(W, [0, half], [K, half]));
  new Float32Array(bBuf).set(W2.dataSync());
  W2.dispose();
  const copyMs = performance.now() - t0;
  const done = new Promise<void>((res) => worker.once('message', () => res()));
  worker.postMessage({ a: aBuf, aShape: [M, K], b: bBuf, bShape: [K, half], out: outBuf });
  const left = tf.tidy(() => tf.matMul(x, tf.slice(W, [0, 0], [K, half])));
  await done;
  tf.tidy(() => {
    tf.concat([left, tf.tensor2d(new Float32Array(outBuf), [M, half])], 1).dataSync();
  });
  left.dispose();
  return { copyMs };
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1]!;
const tSingle: number[] = [], tSplit: number[] = [], tCopy: number[] = [];
single();
await split();
for (let i = 0; i < reps; i++) {
  let t = performance.now();
  single();
  tSingle.push(performance.now() - t);
  t = performance.now();
  const { copyMs } = await split();
  tSplit.push(performance.now() - t);
  tCopy.push(copyMs);
}
await worker.terminate();
const res = {
  date: new Date().toISOString(), cpu: os.cpus()[0]?.model, cores: os.cpus().length, node: process.version, loadavg: os.loadavg(),
  op: `matMul [${M}×${K}]@[${K}×${N}] forward`, singleThreadMs: median(tSingle), twoWaySplitMs: median(tSplit),
  handoverCopiesMs: median(tCopy), speedup: median(tSingle) / median(tSplit), samples: { tSingle, tSplit },
};
console.log(`single thread ${res.singleThreadMs.toFixed(0)} ms; 2-way worker split ${res.twoWaySplitMs.toFixed(0)} ms ` +
  `(of which hand-over copies ${res.handoverCopiesMs.toFixed(0)} ms); speedup ×${res.speedup.toFixed(2)}; load ${os.loadavg()[0]!.toFixed(1)}`);
writeFileAtomic(new URL('./results/threads.json', import.meta.url).pathname, JSON.stringify(res, null, 2) + '\n');
