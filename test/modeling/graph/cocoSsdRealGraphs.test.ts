/**
 * coco-ssd's three real graphs (../shared/cocossd-real: the `model.json` files coco-ssd 2.2.3 loads,
 * with their real last weight shard where one exists) as `coco-ssd` presets of the graph backbone.
 *
 * What is verified: the real topology loads in tfjs; the preset feature nodes exist, are plain
 * `Conv2D → Add → Relu6` (not fused), and give 38×38 / 19×19 / 10×10 maps of the expected widths on
 * the path from an image of any size through coco-ssd's own in-graph resize; the two raw outputs
 * `Postprocessor/Slice` [1, 1917, 90] and `Postprocessor/ExpandDims_1` [1, 1917, 1, 4] (the two
 * MobileNetV2 bases; for ssd_mobilenet_v1 only their names, its anchor constants being unknown);
 * and a few training steps through `balms train --config configs/graph/coco_ssd_lvis_v1.json`.
 * What is not: the weights. Every shard but the last is generated (test/helpers/realCocoSsd.ts),
 * so no value coco-ssd computes here is meaningful — only names, shapes and the running path.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/backends/index.js';
import { trainCommand } from '../../../src/cli/trainCommand.js';
import { DEFAULT_SYNTH_OPTIONS, writeSynthDataset } from '../../../src/data/index.js';
import { loadCheckpoint } from '../../../src/engine/index.js';
import { COCO_SSD_BOXES_NODE, COCO_SSD_SCORES_NODE } from '../../../src/modeling/cocoSsd/index.js';
import { graphNodeNames, graphPresetSpec, loadGraphBackbone, type GraphPreset } from '../../../src/modeling/graph/index.js';
import { runInProcess } from '../../helpers/runCli.js';
import { COCO_SSD_REAL, materialiseRealCocoSsd, REAL_BASES, type RealBase } from '../../helpers/realCocoSsd.js';

const HAVE_REAL = existsSync(new URL('ssdlite_mobilenet_v2/model.json', COCO_SSD_REAL));
if (!HAVE_REAL) console.warn('skipping coco-ssd real-graph tests: ../shared/cocossd-real is absent');

const PRESET: Record<RealBase, GraphPreset> = {
  ssdlite_mobilenet_v2: 'coco-ssd/ssdlite_mobilenet_v2',
  ssd_mobilenet_v2: 'coco-ssd/ssd_mobilenet_v2',
  ssd_mobilenet_v1: 'coco-ssd/ssd_mobilenet_v1',
};
const WIDTHS: Record<RealBase, number[]> = {
  ssdlite_mobilenet_v2: [192, 576, 1280],
  ssd_mobilenet_v2: [192, 576, 1280],
  ssd_mobilenet_v1: [256, 512, 1024],
};
const root = mkdtempSync(join(tmpdir(), 'balms-cocossd-real-'));

interface GraphNode { name: string; op: string; input?: string[] }

describe.skipIf(!HAVE_REAL)('coco-ssd real graphs (weights generated: topology, names and shapes only)', () => {
  const dirs = {} as Record<RealBase, string>;
  beforeAll(async () => {
    // wasm: the real MobileNets take tens of seconds a forward pass on the plain cpu backend
    await initBackend('wasm');
    for (const b of REAL_BASES) dirs[b] = materialiseRealCocoSsd(b, root)!;
  });

  for (const base of REAL_BASES) {
    it(`${base}: the preset nodes exist; features are Conv2D → Add → Relu6 (not fused)`, () => {
      const file = join(dirs[base], 'model.json');
      const names = new Set(graphNodeNames(file));
      const spec = graphPresetSpec(PRESET[base]);
      for (const n of [...spec.featureNodes.map((f) => f.name), COCO_SSD_SCORES_NODE, COCO_SSD_BOXES_NODE]) expect(names.has(n), n).toBe(true);
      const nodes = new Map((JSON.parse(readFileSync(file, 'utf8')) as { modelTopology: { node: GraphNode[] } }).modelTopology.node.map((n) => [n.name, n]));
      for (const f of spec.featureNodes) {
        const relu = nodes.get(f.name)!;
        expect(relu.op).toBe('Relu6');
        const add = nodes.get(relu.input![0]!)!;
        expect(add.op, f.name).toMatch(/^(Add|AddV2|BiasAdd)$/);
        expect(add.input!.map((i) => nodes.get(i)?.op)).toContain('Conv2D');
      }
      expect([...nodes.values()].some((n) => n.op.startsWith('_Fused'))).toBe(false);
    });

    it(`${base}: an image of any size gives 38×38 / 19×19 / 10×10 maps${base === 'ssd_mobilenet_v1' ? '' : ' and the two raw outputs'}`, async () => {
      const spec = graphPresetSpec(PRESET[base]);
      const withOutputs = base !== 'ssd_mobilenet_v1';
      const bb = await loadGraphBackbone(dirs[base], withOutputs ? spec : { ...spec, proposalDecoder: 'none', proposalNodes: [] }, { topK: 50 });
      try {
        expect(bb.featureWidths).toEqual(WIDTHS[base]);
        // one pass to the feature maps and (MobileNetV2 bases) the raw outputs, from a 90×70 image
        const x = tf.zeros([1, 90, 70, 3], 'int32');
        const nodes = [...spec.featureNodes.map((f) => f.name), ...(withOutputs ? [COCO_SSD_SCORES_NODE, COCO_SSD_BOXES_NODE] : [])];
        const outs = (await bb.graph.executeAsync(x, nodes)) as tf.Tensor[];
        expect(outs.slice(0, 3).map((f) => f.shape)).toEqual(WIDTHS[base].map((c, l) => [1, [38, 19, 10][l], [38, 19, 10][l], c]));
        if (withOutputs) {
          expect(outs[3]!.shape).toEqual([1, 1917, 90]);
          expect(outs[4]!.shape).toEqual([1, 1917, 1, 4]);
        }
        tf.dispose([x, ...outs]);
      } finally {
        bb.dispose();
      }
    }, 120_000);
  }

  it('balms train --config configs/graph/coco_ssd_lvis_v1.json trains a few steps on the real ssdlite_mobilenet_v2 graph (cpu backend)', async () => {
    const data = join(root, 'synth');
    await writeSynthDataset(data, { ...DEFAULT_SYNTH_OPTIONS, categories: 3, trainImages: 4, valImages: 2, size: 64, minValImages: 1 });
    const out = join(root, 'run');
    const r = await runInProcess(trainCommand, [
      '--config', 'configs/graph/coco_ssd_lvis_v1.json', '--backend', 'cpu', '--output', out, '--skip-eval', '--quiet', '--json',
      '--set', `model.modelUrl=${dirs.ssdlite_mobilenet_v2}`,
      '--set', `data.trainAnnotations=${join(data, 'lvis_synth_train.json')}`, '--set', `data.trainImageDir=${join(data, 'train')}`,
      '--set', `data.valAnnotations=${join(data, 'lvis_synth_val.json')}`, '--set', `data.valImageDir=${join(data, 'val')}`,
      '--set', 'data.imagesPerBatch=1', '--set', 'solver.maxIter=2', '--set', 'solver.warmupIters=1', '--set', 'solver.steps=[1]', '--set', 'log.period=1',
      '--set', 'model.featureChannels=16', '--set', 'model.roiHeads.batchSizePerImage=32', '--set', 'model.roiHeads.boxHead.fcDims=[32]', '--set', 'model.roiHeads.mask.convDims=[8]',
    ]);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout) as { iteration: number; checkpoint: string };
    expect(summary.iteration).toBe(2);
    const ck = loadCheckpoint(summary.checkpoint);
    expect([...ck.tensors.keys()]).toContain('model/laterals/2/kernel');
    expect(ck.tensors.get('model/laterals/2/kernel')!.shape).toEqual([1, 1, 1280, 16]);
    tf.dispose([...ck.tensors.values()]);
  }, 300_000);
});
