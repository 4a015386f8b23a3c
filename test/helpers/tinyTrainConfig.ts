/** The tiny detector and synthetic dataset the engine and CLI tests train on (seconds per run on cpu). */
import type { JsonObject } from '../../src/engine/index.js';

/** A config override: 4 categories, 16 train / 6 val images of 64 px, a small backbone without FPN. */
export function tinyTrainOverrides(outputDir: string, cacheDir: string, extra: JsonObject = {}): JsonObject {
  const base: JsonObject = {
    backend: 'cpu',
    outputDir,
    data: {
      synth: { enabled: true, seed: 0, categories: 4, trainImages: 16, valImages: 6, size: 64, cacheDir },
      imagesPerBatch: 2,
      prefetch: 1,
    },
    model: {
      backbone: { stemChannels: 8, stageChannels: [8, 16, 32], convsPerStage: 1 },
      fpn: { enabled: false, channels: 16, inStages: [2] },
      anchors: { sizes: [[16, 32, 64]] },
      rpn: { preNmsTopKTrain: 200, postNmsTopKTrain: 64, preNmsTopKTest: 200, postNmsTopKTest: 50, batchSizePerImage: 64 },
      roiHeads: { batchSizePerImage: 64, boxHead: { fcDims: [64, 64] }, mask: { convDims: [16, 16], pooledSize: 7 } },
    },
    solver: { maxIter: 6, warmupIters: 2, steps: [4], baseLr: 0.01 },
    log: { period: 1 },
  };
  return mergeInto(base, extra);
}

function mergeInto(a: JsonObject, b: JsonObject): JsonObject {
  const out: JsonObject = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const o = out[k];
    out[k] = o && typeof o === 'object' && !Array.isArray(o) && v && typeof v === 'object' && !Array.isArray(v) ? mergeInto(o as JsonObject, v as JsonObject) : v;
  }
  return out;
}
