/**
 * The balms RoI head (box + mask, Balanced Softmax classifier) on your own detector's feature maps
 * and proposals: train a few steps, predict, write LVIS results and evaluate them.
 *
 *   npx tsx examples/roiHeadsOnYourFeatures.ts
 *
 * Here "your detector" is a frozen random 4×4/stride-4 convolution over one synthetic 64×64 image
 * with a square (category 1) and a triangle (category 2), and its proposals are jittered boxes
 * around the objects plus background boxes. Replace them with your backbone's NHWC feature maps
 * (finest first, strides 4, 8, 16, …) and your RPN's `[x1, y1, x2, y2]` proposals.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import {
  classStatsFromDataset, decodeRowMajor, evaluateLvis, frPoly, initBackend, loadResults, RoIHeads, Rng, toLvisResults, writeJsonFileAtomic,
  type InstanceTargets, type LvisDataset,
} from 'balms';

const steps = Number(process.env.BALMS_EXAMPLE_STEPS ?? 150);
await initBackend('auto'); // tfjs-node if installed, else wasm

// ---- your data: one image, two instances (LVIS format) ----
const square = [8, 8, 30, 8, 30, 30, 8, 30];
const triangle = [36, 20, 60, 56, 36, 56];
const gt: LvisDataset = {
  images: [{ id: 1, height: 64, width: 64 }],
  categories: [
    { id: 1, name: 'square', frequency: 'f' },
    { id: 2, name: 'triangle', frequency: 'r' },
  ],
  annotations: [
    { id: 1, image_id: 1, category_id: 1, segmentation: [square], bbox: [8, 8, 22, 22], area: 484 },
    { id: 2, image_id: 1, category_id: 2, segmentation: [triangle], bbox: [36, 20, 24, 36], area: 432 },
  ],
};

// ---- your detector: feature maps [N, H, W, C] with their stride, and proposals per image ----
const pixels = new Float32Array(64 * 64 * 3).fill(0.1);
[square, triangle].forEach((poly, k) => {
  const inside = decodeRowMajor(frPoly(poly, 64, 64));
  for (let i = 0; i < inside.length; i++) if (inside[i]) pixels[3 * i + k] = 1;
});
const C = 16;
const rng = new Rng(0);
const features = [{
  stride: 4,
  features: tf.tidy(() => {
    const kernel = tf.tensor4d(Float32Array.from({ length: 4 * 4 * 3 * C }, () => rng.normal() * 0.5), [4, 4, 3, C]);
    return tf.relu(tf.conv2d(tf.tensor4d(pixels, [1, 64, 64, 3]), kernel, 4, 'same'));
  }),
}];
const proposals = [new Float32Array([7, 9, 31, 29, 10, 6, 28, 32, 35, 22, 61, 55, 38, 18, 58, 57, 0, 40, 20, 63, 40, 0, 63, 16, 20, 20, 44, 44])];
const targets: InstanceTargets[] = [{
  boxes: new Float32Array([8, 8, 30, 30, 36, 20, 60, 56]),
  classes: new Int32Array([0, 1]), // contiguous class ids: category id 1 → 0, 2 → 1
  masks: [[square], [triangle]], // polygons here; an RLE ({size, counts}) or a bitmap ({height, width, data}) works too
}];

// ---- the RoI head: ten lines ----
const heads = new RoIHeads({
  numClasses: 2,
  inChannels: C,
  classStats: classStatsFromDataset(gt), // → Balanced Softmax over your category frequencies
  config: { batchSizePerImage: 32, boxHead: { fcDims: [64] }, mask: { convDims: [16, 16] }, scoreThreshold: 0.05 },
  seed: 0,
});
const optimizer = tf.train.adam(0.01);
for (let i = 0; i < steps; i++) {
  optimizer.minimize(() => tf.addN(Object.values(heads.losses(features, proposals, targets))) as tf.Scalar, false, heads.variables());
}
const [pred] = await heads.predictAsync(features, proposals, [[64, 64]]);
const results = toLvisResults(pred!, { imageId: 1, imageSize: [64, 64], categoryIds: [1, 2] });

// ---- write LVIS results and evaluate them ----
const file = join(mkdtempSync(join(tmpdir(), 'balms-example-')), 'results.json');
writeJsonFileAtomic(file, results);
const segm = evaluateLvis(gt, await loadResults(file), { iouType: 'segm' });
console.log(JSON.stringify({ example: 'roiHeadsOnYourFeatures', detections: results.length, results: file, segmAP50: segm.stats.AP50 }));

tf.dispose(features.map((f) => f.features));
heads.dispose();
optimizer.dispose();
