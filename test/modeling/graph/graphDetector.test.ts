/**
 * The graph backbone and `GraphDetector` on the coco-ssd fixture graph (test/fixtures/cocossd/ssd_fixture,
 * made by scripts/cocossd/make_fixture.py: a seeded random SSD with coco-ssd's signature and node
 * names) with the `coco-ssd` preset: raw outputs and feature shapes, proposals, prior-adjusted
 * re-scoring, and a detector that overfits one image in its own frame and in the graph's 300×300 one.
 */
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/backends/index.js';
import { decodeRowMajor, frPoly } from '../../../src/coco/mask/index.js';
import type { LvisDataset } from '../../../src/coco/types.js';
import { evaluateLvis } from '../../../src/eval/index.js';
import { boxIou } from '../../../src/modeling/boxes.js';
import { COCO_SSD_BOXES_NODE, COCO_SSD_SCORES_NODE, type CocoSsdOutputs } from '../../../src/modeling/cocoSsd/cocoSsdGraph.js';
import { adjustCocoSsdScores, adjustedCocoSsdDetections, cocoSsdProposals } from '../../../src/modeling/cocoSsd/cocoSsdProposals.js';
import { GraphDetector, graphPresetSpec, loadGraphBackbone, type GraphBackbone } from '../../../src/modeling/graph/index.js';
import { toLvisResults } from '../../../src/modeling/lvisResults.js';
import type { InstanceTargets } from '../../../src/modeling/roiHeads.js';
import { inputErrorOfAsync } from '../../helpers/inputErrors.js';

const fixture = fileURLToPath(new URL('../../fixtures/cocossd/ssd_fixture', import.meta.url));
const H = 240, W = 320;
const square = [40, 40, 140, 40, 140, 140, 40, 140];
const triangle = [180, 60, 300, 220, 180, 220];

function syntheticImage(): tf.Tensor3D {
  const px = new Int32Array(H * W * 3).fill(30);
  [square, triangle].forEach((poly, k) => {
    const inside = decodeRowMajor(frPoly(poly, H, W));
    for (let i = 0; i < inside.length; i++) if (inside[i]) px[3 * i + k] = 220;
  });
  return tf.tensor3d(px, [H, W, 3], 'int32');
}

/** coco-ssd's two raw outputs for one image, read back. */
async function rawOutputs(graph: tf.GraphModel, image: tf.Tensor3D): Promise<CocoSsdOutputs> {
  const x = tf.expandDims(image, 0);
  const [s, b] = (await graph.executeAsync(x, [COCO_SSD_SCORES_NODE, COCO_SSD_BOXES_NODE])) as tf.Tensor[];
  const out = { scores: (await s!.data()) as Float32Array, boxes: (await b!.data()) as Float32Array, numBoxes: s!.shape[1]!, numClasses: s!.shape[2]! };
  tf.dispose([x, s!, b!]);
  return out;
}

describe('the coco-ssd fixture as a graph backbone (preset coco-ssd)', () => {
  let backbone: GraphBackbone;
  let graph: tf.GraphModel;
  let image: tf.Tensor3D;

  beforeAll(async () => {
    await initBackend('wasm');
    backbone = await loadGraphBackbone(fixture, graphPresetSpec('coco-ssd'), { topK: 300 });
    graph = backbone.graph;
    image = syntheticImage();
  });
  afterAll(() => {
    image.dispose();
    backbone.dispose();
  });

  it('raw outputs and the lite_mobilenet_v2 feature nodes have the expected shapes, in the 300×300 frame', async () => {
    const out = await rawOutputs(graph, image);
    expect([out.numBoxes, out.numClasses]).toEqual([1917, 90]);
    expect(backbone.featureWidths).toEqual([16, 24, 32]);
    const run = await backbone.run(tf.cast(image, 'float32') as tf.Tensor3D);
    expect(run.features.map((f) => f.shape)).toEqual([[1, 38, 38, 16], [1, 19, 19, 24], [1, 10, 10, 32]]);
    expect(run.frame).toEqual([300, 300]);
    // the preset's proposals are cocoSsdProposals of the raw outputs in the 300×300 frame
    expect(run.proposals).toEqual(cocoSsdProposals(out, [300, 300], { topK: 300 }).boxes);
    tf.dispose(run.features);
    const bad = await inputErrorOfAsync(loadGraphBackbone(fixture, { ...graphPresetSpec('coco-ssd'), featureNodes: [{ name: 'FeatureExtractor/MobilenetV2/No/Relu6', stride: 8 }] }));
    expect(bad.message).toMatch(/no node 'FeatureExtractor\/MobilenetV2\/No\/Relu6' \(nodes ending in 'Relu6': FeatureExtractor/);
  });

  it('proposals: objectness is the best class score, boxes are the decoded anchors in pixels, NMS at the given IoU', async () => {
    const out = await rawOutputs(graph, image);
    const { boxes, objectness } = cocoSsdProposals(out, [H, W], { topK: 300, nmsThreshold: 0.6 });
    const n = objectness.length;
    expect(n).toBeGreaterThan(50);
    expect(n).toBeLessThanOrEqual(300);
    for (let i = 1; i < n; i++) expect(objectness[i]!).toBeLessThanOrEqual(objectness[i - 1]!);
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) expect(boxIou(boxes, i, boxes, j)).toBeLessThanOrEqual(0.6 + 1e-6);
    // the best proposal, recomputed independently from the raw outputs
    let best = -1, bi = -1;
    for (let i = 0; i < out.numBoxes; i++) {
      const m = Math.max(...out.scores.subarray(i * 90, i * 90 + 90));
      if (m > best) (best = m), (bi = i);
    }
    expect(objectness[0]).toBeCloseTo(best, 6);
    const b = out.boxes.subarray(4 * bi, 4 * bi + 4);
    const clip = (v: number, hi: number) => Math.min(Math.max(v, 0), hi);
    expect(Array.from(boxes.subarray(0, 4))).toEqual([clip(b[1]! * W, W), clip(b[0]! * H, H), clip(b[3]! * W, W), clip(b[2]! * H, H)].map(Math.fround));
  });

  it('prior-adjusted re-scoring: τ = 0 is the identity, logit(p′) = logit(p) − τ·log π, NMS IoU independent of minScore', async () => {
    const out = await rawOutputs(graph, image);
    const priors = Array.from({ length: 90 }, (_, j) => 1 + (j % 7) * 10);
    expect(adjustCocoSsdScores(out.scores, 90, priors, 0)).toEqual(out.scores.map((p) => Math.min(Math.max(p, 1e-7), 1 - 1e-7)));
    const adj = adjustCocoSsdScores(out.scores, 90, priors, 0.5);
    const total = priors.reduce((a, b) => a + b, 0);
    const logit = (p: number) => Math.log(p / (1 - p));
    for (const i of [0, 1, 95, 1000, 90 * 1917 - 1]) {
      expect(logit(adj[i]!)).toBeCloseTo(logit(out.scores[i]!) - 0.5 * Math.log(priors[i % 90]! / total), 3);
    }
    const dets = adjustedCocoSsdDetections(out, [H, W], { classPriors: priors, tau: 1, minScore: 0.05, nmsThreshold: 0.3, maxDetections: 50 });
    expect(dets.length).toBeGreaterThan(0);
    for (let i = 1; i < dets.length; i++) expect(dets[i]!.score).toBeLessThanOrEqual(dets[i - 1]!.score);
  });

  it('GraphDetector: the loss goes down and overfitting one image reaches mask AP50 ≥ 0.9 (ground truth mapped into the 300×300 frame and back)', async () => {
    const targets: InstanceTargets[] = [{ boxes: new Float32Array([40, 40, 140, 140, 180, 60, 300, 220]), classes: new Int32Array([0, 1]), masks: [[square], [triangle]] }];
    const own = await loadGraphBackbone(fixture, graphPresetSpec('coco-ssd'), { topK: 1000 });
    const det = new GraphDetector(own, { numClasses: 2, roiHeads: { batchSizePerImage: 64, boxHead: { fcDims: [64] }, mask: { convDims: [16, 16] }, scoreThreshold: 0.05 } }, {
      proposals: 'graph',
      classStats: { imageCount: [1, 1], instanceCount: [1, 1], numTrainImages: 1 },
      featureChannels: 32,
      seed: 3,
    });
    const images = tf.expandDims(tf.cast(image, 'float32'), 0) as tf.Tensor4D;
    const batch = await det.prepare({ images, targets }); // the frozen graph: run once, reused every step
    const opt = tf.train.adam(0.01);
    const total = () => tf.addN(Object.values(det.computeLosses(batch))) as tf.Scalar;
    const first = tf.tidy(() => total().dataSync()[0]!);
    for (let i = 0; i < 60; i++) opt.minimize(total, false, [...det.variables().values()]);
    const last = tf.tidy(() => total().dataSync()[0]!);
    expect(last).toBeLessThan(0.5 * first);
    det.release(batch);
    const tensors = tf.memory().numTensors;
    const [pred] = await det.predictAsync({ images });
    expect(tf.memory().numTensors).toBe(tensors);
    const gt: LvisDataset = {
      images: [{ id: 1, height: H, width: W }],
      categories: [{ id: 1, name: 'square', frequency: 'f' }, { id: 2, name: 'triangle', frequency: 'r' }],
      annotations: [
        { id: 1, image_id: 1, category_id: 1, bbox: [40, 40, 100, 100], area: 10000, segmentation: [square] },
        { id: 2, image_id: 1, category_id: 2, bbox: [180, 60, 120, 160], area: 9600, segmentation: [triangle] },
      ],
    };
    const results = toLvisResults(pred!, { imageId: 1, imageSize: [H, W], categoryIds: [1, 2] });
    const segm = evaluateLvis(gt, results, { iouType: 'segm' });
    expect(segm.stats.AP50).toBeGreaterThanOrEqual(0.9);
    images.dispose();
    opt.dispose();
    det.dispose();
  });
});
