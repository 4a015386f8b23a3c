/**
 * balms on coco-ssd, on the fixture graph at coco-ssd's real input size (300×300 for
 * lite_mobilenet_v2; the fixture is narrower than the real MobileNet, so this times balms's part —
 * proposals, RoI heads, the graph plumbing — more than coco-ssd's own convolutions):
 * - inference: frozen graph → proposals (top 1000, NMS 0.7) → RoI heads → detections with masks;
 * - a training step: frozen graph once, then laterals + RoI heads forward, backward, Adam.
 * Medians of wall time over `--runs` after one warm-up, per backend (each in this process).
 *
 *   npx tsx bench/coco-ssd.ts [--backend wasm|tfjs-node|cpu] [--runs N]
 */
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendPreference } from '../src/backends/index.js';
import { CocoSsdDetector, disposeFrozen, loadCocoSsd } from '../src/modeling/cocoSsd/index.js';
import type { InstanceTargets } from '../src/modeling/roiHeads.js';
import { writeFileAtomic } from '../src/util/atomicWrite.js';

const { values: args } = parseArgs({ options: { backend: { type: 'string', default: 'wasm' }, runs: { type: 'string', default: '5' } } });
const runs = Number(args.runs);
const backend = await initBackend(args.backend as BackendPreference);
const fixture = fileURLToPath(new URL('../test/fixtures/cocossd/ssd_fixture', import.meta.url));
const { graph } = await loadCocoSsd({ modelUrl: fixture });
const K = 100;
const det = new CocoSsdDetector({
  graph,
  numClasses: K,
  classStats: { imageCount: Array.from({ length: K }, (_, i) => 1 + i), instanceCount: Array.from({ length: K }, (_, i) => 2 + i), numTrainImages: 500 },
  featureChannels: 128,
  roiHeads: { batchSizePerImage: 256, boxHead: { fcDims: [512, 512] }, mask: { convDims: [128, 128, 128, 128] } },
});
const image = tf.tidy(() => tf.cast(tf.mul(tf.randomUniform([300, 300, 3], 0, 1, 'float32', 1), 255), 'int32')) as tf.Tensor3D;
const targets: InstanceTargets[] = [{
  boxes: new Float32Array([20, 30, 120, 150, 150, 40, 280, 200, 60, 180, 200, 290]),
  classes: new Int32Array([3, 40, 97]),
  masks: [[[20, 30, 120, 30, 120, 150, 20, 150]], [[150, 40, 280, 200, 150, 200]], [[60, 180, 200, 180, 200, 290, 60, 290]]],
}];
const opt = tf.train.adam(1e-3);

async function inference(): Promise<number> {
  const t = performance.now();
  await det.predict([image]);
  return performance.now() - t;
}
async function trainStep(): Promise<number> {
  const t = performance.now();
  const frozen = await det.frozen([image], true);
  const loss = opt.minimize(() => tf.addN(Object.values(det.losses(frozen, targets))) as tf.Scalar, true, det.variables());
  await loss!.data();
  loss!.dispose();
  disposeFrozen(frozen);
  return performance.now() - t;
}
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
async function time(f: () => Promise<number>): Promise<number> {
  await f();
  const v: number[] = [];
  for (let i = 0; i < runs; i++) v.push(await f());
  return median(v);
}
const result = {
  date: new Date().toISOString(),
  machine: `${os.cpus().length}× ${os.cpus()[0]?.model ?? 'cpu'} (shared with other work)`,
  backend,
  runs,
  inferenceMsPerImage: +(await time(inference)).toFixed(1),
  trainStepMs: +(await time(trainStep)).toFixed(1),
};
console.log(JSON.stringify(result));
writeFileAtomic(fileURLToPath(new URL(`./results/coco-ssd.${backend}.json`, import.meta.url)), JSON.stringify(result, null, 1) + '\n');
