/**
 * `balms view --checkpoint` in headless Chromium: the page runs a small detector checkpoint over the
 * ground truth's images on webgl and on wasm (tensor reads with `await data()`), and its detections
 * match what `balms eval --checkpoint` computes in Node, within float tolerance.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildView } from '../../scripts/buildView.js';
import { initBackend } from '../../src/backends/index.js';
import { imagesFromGroundTruth } from '../../src/cli/imageInputs.js';
import { startViewServer, type ViewServer } from '../../src/cli/viewServer.js';
import type { DetectionResult, LvisDataset } from '../../src/coco/types.js';
import { area, bboxIouPair, iou, rleFromJson } from '../../src/coco/mask/index.js';
import { buildModel, checkpointCategories, loadDetectorFromCheckpoint, predictDataset, resolveTrainConfig, saveCheckpoint, testTransform } from '../../src/engine/index.js';
import { encodePngRgb } from '../../src/entries/node.js';
import { FIXTURES } from '../eval/goldenFixtures.js';
import { HAVE_CHROMIUM, launchChromium, type Chromium } from '../helpers/chromium.js';
import { ROOT } from '../helpers/importGraph.js';
import { tinyTrainOverrides } from '../helpers/tinyTrainConfig.js';

const SHOTS = join(ROOT, 'out/browser-screenshots');
const work = mkdtempSync(join(tmpdir(), 'balms-model-'));
const images = join(work, 'images');
const gtPath = join(work, 'gt.json');
const ckptPath = join(work, 'tiny.ckpt');
let browser: Chromium | undefined;
let server: ViewServer | undefined;
let nodeResults: DetectionResult[] = [];

beforeAll(async () => {
  if (!HAVE_CHROMIUM) return;
  mkdirSync(images);
  mkdirSync(SHOTS, { recursive: true });
  const assets = join(work, 'assets');
  await buildView(assets);
  // Four images of the synthetic GT, with textures the detector reacts to.
  const gt = JSON.parse(readFileSync(join(FIXTURES, 'synth_gt.json'), 'utf8')) as LvisDataset;
  gt.images = gt.images.slice(0, 4);
  const keep = new Set(gt.images.map((im) => im.id));
  gt.annotations = gt.annotations.filter((a) => keep.has(a.image_id));
  for (const im of gt.images) {
    im.file_name = `im${im.id}.png`;
    const rgba = new Uint8Array(im.height * im.width * 4);
    for (let i = 0; i < im.height * im.width; i++) {
      const x = i % im.width, y = Math.floor(i / im.width);
      const inBox = x > im.width / 4 && x < im.width / 2 && y > im.height / 3 && y < (2 * im.height) / 3;
      rgba.set(inBox ? [230, 40, 40, 255] : [(x * 3) & 255, 120, (y * 5) & 255, 255], 4 * i);
    }
    writeFileSync(join(images, im.file_name), encodePngRgb(rgba, im.width, im.height));
  }
  writeFileSync(gtPath, JSON.stringify(gt));
  // A tiny detector, seeded, saved as a training run would save it.
  await initBackend('cpu');
  const cfg = resolveTrainConfig({ overrides: tinyTrainOverrides(work, work, { model: { roiHeads: { scoreThreshold: 0.05, detectionsPerImage: 20 } } }) });
  const cats = gt.categories.slice(0, 4);
  const classStats = { imageCount: [5, 3, 2, 1], instanceCount: [9, 4, 2, 1], numTrainImages: 8 };
  const { detector } = buildModel(cfg, cats.length, classStats);
  // A freshly initialised mask predictor gives logits near 0 (all masks empty): sharpen it.
  const tensors = new Map<string, tf.Tensor>([...detector.variables()].map(([k, v]) => [`model/${k}`, k === 'roi_heads/mask_head/predictor/kernel' ? tf.mul(v, 2000) : v]));
  expect(tensors.has('model/roi_heads/mask_head/predictor/kernel')).toBe(true);
  saveCheckpoint(ckptPath, { config: cfg, categories: checkpointCategories(cats), classStats, iteration: 0 }, tensors);
  tensors.get('model/roi_heads/mask_head/predictor/kernel')!.dispose();
  detector.dispose();
  // Node's detections, as `balms eval --checkpoint` computes them.
  const loaded = loadDetectorFromCheckpoint(ckptPath);
  const preds = await predictDataset(loaded.detector, imagesFromGroundTruth(gt, images, loaded.categories, gtPath), {
    transform: testTransform(loaded.config),
    categoryIds: loaded.categories.map((c) => c.id),
  });
  loaded.detector.dispose();
  nodeResults = preds.results;
  server = await startViewServer({ gt: gtPath, images, checkpoint: ckptPath, assetsDir: assets, port: 0 });
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await server?.close();
  await browser?.close();
  rmSync(work, { recursive: true, force: true });
});

/** Each Node detection has a page detection of its category with nearly the same box and score. */
function compare(page: DetectionResult[], node: DetectionResult[]): { worstScore: number; worstIou: number; worstMaskIou: number; unmatched: number; nonEmptyMasks: number } {
  let worstScore = 0, worstIou = 1, worstMaskIou = 1, unmatched = 0, nonEmptyMasks = 0;
  for (const n of node) {
    let best: DetectionResult | undefined, bestIou = -1;
    for (const p of page) {
      if (p.image_id !== n.image_id || p.category_id !== n.category_id) continue;
      const iou = bboxIouPair(p.bbox!, n.bbox!, false);
      if (iou > bestIou) (bestIou = iou), (best = p);
    }
    if (!best || bestIou < 0.98) {
      unmatched++;
      continue;
    }
    worstIou = Math.min(worstIou, bestIou);
    worstScore = Math.max(worstScore, Math.abs(best.score - n.score));
    const [pm, nm] = [best, n].map((d) => rleFromJson(d.segmentation as { size: [number, number]; counts: string }));
    // Two empty masks agree (pycocotools' IoU of empty masks is 0).
    const m = area(pm!) === 0 && area(nm!) === 0 ? 1 : iou([pm!], [nm!], [0])[0]!;
    worstMaskIou = Math.min(worstMaskIou, m);
    if (area(nm!) > 0) nonEmptyMasks++;
  }
  return { worstScore, worstIou, worstMaskIou, unmatched, nonEmptyMasks };
}

describe.skipIf(!HAVE_CHROMIUM)('a checkpoint run in the page', () => {
  for (const backend of ['wasm', 'webgl']) {
    it(`on ${backend} matches Node's detections`, async () => {
      expect(nodeResults.length).toBeGreaterThan(10);
      const { page, errors } = await browser!.page();
      await page.goto(server!.url);
      await page.waitForSelector('#run-model');
      await page.selectOption('#backend', backend);
      await page.click('#run-model');
      await page.waitForSelector('body[data-state="done"], body[data-state="error"]', { timeout: 240_000 });
      expect(await page.textContent('#error')).toBe('');
      expect(await page.textContent('#model-status')).toContain(`${backend}:`);
      const results = await page.evaluate(() => JSON.parse(new TextDecoder().decode(window.balmsView!.state.results!.bytes)) as DetectionResult[]);
      const c = compare(results, nodeResults);
      expect(c.unmatched).toBe(0);
      expect(c.worstScore).toBeLessThan(1e-3);
      expect(c.worstIou).toBeGreaterThan(0.99);
      expect(c.worstMaskIou).toBeGreaterThan(0.95);
      expect(c.nonEmptyMasks).toBeGreaterThan(5);
      expect(results.length).toBe(nodeResults.length);
      expect(nodeResults.every((r) => r.segmentation)).toBe(true);
      await page.screenshot({ path: join(SHOTS, `view-model-${backend}.png`), fullPage: true });
      expect(errors).toEqual([]);
    });
  }
});
