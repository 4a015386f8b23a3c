/**
 * Training and checkpoints on the native backend (tfjs-node), when it is installed: a short run
 * trains and resumes nothing but finishes with finite losses, and a checkpoint trained on wasm
 * predicts the same detections on tfjs-node as on wasm, and vice versa. Skipped without tfjs-node
 * (required with BALMS_REQUIRE_NATIVE=1).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { initBackend, type BackendChoice } from '../../src/backends/index.js';
import type { DetectionResult } from '../../src/coco/types.js';
import {
  RUN_FILES, loadDetectorFromCheckpoint, loadTrainingData, predictDataset, readMetricsLog, resolveTrainConfig, testTransform, train,
} from '../../src/engine/index.js';
import { NATIVE_PRESENT } from '../helpers/testBackends.js';
import { tinyTrainOverrides } from '../helpers/tinyTrainConfig.js';

const root = mkdtempSync(join(tmpdir(), 'balms-roundtrip-'));
const cacheDir = join(root, 'cache');
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function trainOn(backend: BackendChoice, name: string): Promise<string> {
  const cfg = resolveTrainConfig({ overrides: tinyTrainOverrides(join(root, name), cacheDir, { backend }) });
  const r = await train(cfg, { quiet: true, skipEval: true, log: () => {} });
  r.detector.dispose();
  expect(r.finished).toBe(true);
  expect(r.backend).toBe(backend);
  const losses = readMetricsLog(join(cfg.outputDir, RUN_FILES.metrics)).map((m) => m['total_loss'] as number);
  expect(losses).toHaveLength(6);
  expect(losses.every(Number.isFinite)).toBe(true);
  return r.checkpoint;
}

async function predictOn(backend: BackendChoice, checkpoint: string): Promise<DetectionResult[]> {
  await initBackend(backend);
  const loaded = loadDetectorFromCheckpoint(checkpoint);
  try {
    const data = await loadTrainingData(loaded.config);
    const opts = { transform: testTransform(loaded.config), categoryIds: loaded.categories.map((c) => c.id), maxImages: 3 };
    return (await predictDataset(loaded.detector, data.val!, opts)).results;
  } finally {
    loaded.detector.dispose();
  }
}

/** Same detections: per image and category the same count, scores within 1e-4, boxes within 0.01 px. */
function expectSameDetections(a: DetectionResult[], b: DetectionResult[]): void {
  const key = (r: DetectionResult) => `${r.image_id}/${r.category_id}`;
  const sorted = (rs: DetectionResult[]) => [...rs].sort((x, y) => key(x).localeCompare(key(y)) || y.score - x.score);
  const sa = sorted(a);
  const sb = sorted(b);
  expect(sa.map(key)).toEqual(sb.map(key));
  for (let i = 0; i < sa.length; i++) {
    expect(Math.abs(sa[i]!.score - sb[i]!.score)).toBeLessThan(1e-4);
    for (let j = 0; j < 4; j++) expect(Math.abs(sa[i]!.bbox![j]! - sb[i]!.bbox![j]!)).toBeLessThan(1e-2);
  }
}

describe.runIf(NATIVE_PRESENT)('native backend: training and checkpoints across backends', () => {
  let onWasm = '';
  let onNative = '';

  it('a short training run on tfjs-node finishes with finite losses', async () => {
    onNative = await trainOn('tfjs-node', 'native');
  });

  it('a checkpoint trained on wasm predicts the same on tfjs-node, and one trained on tfjs-node the same on wasm', async () => {
    onWasm = await trainOn('wasm', 'wasm');
    const fromWasm = await predictOn('wasm', onWasm);
    expect(fromWasm.length).toBeGreaterThan(0);
    expectSameDetections(await predictOn('tfjs-node', onWasm), fromWasm);
    const fromNative = await predictOn('tfjs-node', onNative);
    expect(fromNative.length).toBeGreaterThan(0);
    expectSameDetections(await predictOn('wasm', onNative), fromNative);
  });
});
