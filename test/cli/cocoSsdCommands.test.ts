/**
 * `balms train|predict|eval` on "balms on coco-ssd": a config with model.type "coco_ssd" over the
 * coco-ssd fixture graph (loaded through @tensorflow-models/coco-ssd from a local folder) and a
 * tiny synthetic LVIS dataset.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DetectionResult } from '../../src/coco/index.js';
import { evalCommand } from '../../src/cli/evalCommand.js';
import { predictCommand } from '../../src/cli/predictCommand.js';
import { trainCommand } from '../../src/cli/trainCommand.js';
import { DEFAULT_SYNTH_OPTIONS, writeSynthDataset } from '../../src/data/index.js';
import { loadCheckpoint } from '../../src/engine/checkpoint.js';
import { isCocoSsdCheckpoint, resolveCocoSsdConfig } from '../../src/engine/cocoSsd/index.js';
import { inputErrorOfAsync } from '../helpers/inputErrors.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const fixture = join(repo, 'test/fixtures/cocossd/ssd_fixture');
const root = mkdtempSync(join(tmpdir(), 'balms-cocossd-cli-'));
const data = join(root, 'synth');
const out = join(root, 'run');
const configFile = join(root, 'coco_ssd_tiny.json');

async function runInProcess(cmd: { run(argv: string[]): Promise<number> }, argv: string[]): Promise<{ code: number; stdout: string }> {
  const chunks: string[] = [];
  const o = process.stdout.write.bind(process.stdout);
  const e = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((c: string | Uint8Array) => (chunks.push(String(c)), true)) as typeof process.stdout.write;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    return { code: await cmd.run(argv), stdout: chunks.join('') };
  } finally {
    process.stdout.write = o;
    process.stderr.write = e;
  }
}

beforeAll(async () => {
  await writeSynthDataset(data, { ...DEFAULT_SYNTH_OPTIONS, categories: 3, trainImages: 6, valImages: 3, size: 96, minValImages: 1 });
  writeFileSync(configFile, JSON.stringify({
    _base_: join(repo, 'configs/coco_ssd/lvis_v1_lite_mobilenet_v2.json'),
    backend: 'wasm',
    outputDir: out,
    model: { modelUrl: fixture, featureChannels: 16, roiHeads: { batchSizePerImage: 32, boxHead: { fcDims: [32] }, mask: { convDims: [8] } } },
    data: { trainAnnotations: join(data, 'lvis_synth_train.json'), trainImageDir: join(data, 'train'), valAnnotations: join(data, 'lvis_synth_val.json'), valImageDir: join(data, 'val') },
    solver: { maxIter: 3, imsPerBatch: 2, baseLr: 0.001 },
    checkpoint: { period: 2 },
    log: { period: 1 },
  }));
});

describe('balms on coco-ssd through the CLI', () => {
  it('the shipped config resolves (model.type coco_ssd, a local model folder, the feature nodes)', () => {
    const cfg = resolveCocoSsdConfig({ file: join(repo, 'configs/coco_ssd/lvis_v1_lite_mobilenet_v2.json') });
    expect((cfg['model'] as { type: string }).type).toBe('coco_ssd');
    expect((cfg['model'] as { featureNodes: unknown[] }).featureNodes).toHaveLength(3);
  });

  it('rejects unknown keys and unsupported flags with one line naming them', async () => {
    expect((await inputErrorOfAsync(trainCommand.run(['--config', configFile, '--set', 'model.featureChanels=8']))).message).toMatch(/--set: model\.featureChanels: unknown key/);
    expect((await inputErrorOfAsync(trainCommand.run(['--config', configFile, '--resume']))).message).toMatch(/--resume is not supported for model.type "coco_ssd"/);
    expect((await inputErrorOfAsync(trainCommand.run(['--config', configFile, '--set', 'model.modelUrl=https://example.invalid/model.json']))).message).toMatch(/only local files are read/);
  });

  it('train → a head-only checkpoint naming its coco-ssd model; predict and eval read it', async () => {
    const tr = await runInProcess(trainCommand, ['--config', configFile, '--json']);
    expect(tr.code).toBe(0);
    const summary = JSON.parse(tr.stdout) as { checkpoint: string; iteration: number; evaluation: { bbox: { AP: number }; segm: { AP: number } } };
    expect(summary.iteration).toBe(3);
    expect(summary.evaluation.segm.AP).toBeGreaterThanOrEqual(0);
    expect(isCocoSsdCheckpoint(summary.checkpoint)).toBe(true);
    const { meta, tensors } = loadCheckpoint(summary.checkpoint);
    expect((meta['cocoSsd'] as { modelUrl: string }).modelUrl).toBe(fixture);
    const names = [...tensors.keys()];
    expect(names.every((n) => n.startsWith('laterals/') || n.startsWith('roi_heads/'))).toBe(true);
    expect(names).toContain('laterals/0/kernel');
    for (const t of tensors.values()) t.dispose();
    const metrics = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(metrics.filter((m) => typeof m['total_loss'] === 'number')).toHaveLength(3);

    const predOut = join(root, 'pred');
    const pr = await runInProcess(predictCommand, ['--checkpoint', summary.checkpoint, '--images', join(data, 'val'), '--out', predOut, '--score-thresh', '0']);
    expect(pr.code).toBe(0);
    const results = JSON.parse(readFileSync(join(predOut, 'results.json'), 'utf8')) as DetectionResult[];
    expect(results.length).toBeGreaterThan(0);
    for (const r of results.slice(0, 20)) {
      expect(r.segmentation?.size).toEqual([96, 96]);
      expect(r.bbox![0]).toBeGreaterThanOrEqual(0);
    }
    expect(existsSync(join(predOut, 'images.json'))).toBe(true);

    const ev = await runInProcess(evalCommand, ['--gt', join(data, 'lvis_synth_val.json'), '--checkpoint', summary.checkpoint, '--images', join(data, 'val'), '--json']);
    expect(ev.code).toBe(0);
    const stats = JSON.parse(ev.stdout) as { bbox: { AP: number }; segm: { AP: number } };
    expect(stats.segm.AP).toBeCloseTo(summary.evaluation.segm.AP, 6);
  });
});
