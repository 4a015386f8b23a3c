import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMetricsLog } from '../../src/engine/metricsLog.js';
import { runCli } from '../helpers/runCli.js';

/** `balms demo` on a tiny dataset and model: the flow, the files and their keys (not the learning). */
describe('balms demo', () => {
  const root = mkdtempSync(join(tmpdir(), 'balms-demo-'));
  const out = join(root, 'out');
  const sets = [
    `data.synth.cacheDir=${join(root, 'cache')}`,
    'data.synth.categories=4', 'data.synth.trainImages=16', 'data.synth.valImages=6', 'data.synth.size=64',
    'data.imagesPerBatch=2', 'meta.imagesPerBatch=2',
    'model.backbone.stageChannels=[8,16,32]', 'model.backbone.convsPerStage=1', 'model.backbone.stemChannels=8',
    'model.fpn.enabled=false', 'model.fpn.inStages=[2]', 'model.anchors.sizes=[[16,32,64]]',
    'model.roiHeads.batchSizePerImage=32', 'model.roiHeads.boxHead.fcDims=[32,32]', 'model.roiHeads.mask.convDims=[8]',
    'solver.maxIter=2', 'solver.steps=[1]', 'solver.warmupIters=0', 'log.period=1',
  ].flatMap((s) => ['--set', s]);

  it('trains both stages and writes metrics.json, stage1_metrics.json and report.html', () => {
    const r = runCli(['demo', '--quick', '--out', out, '--backend', 'cpu', '--quiet', ...sets], { timeoutMs: 300_000 });
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    const keys = ['AP', 'AP50', 'AP75', 'APs', 'APm', 'APl', 'APr', 'APc', 'APf', 'AR@300', 'ARs@300', 'ARm@300', 'ARl@300'];
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    expect(Object.keys(metrics).sort()).toEqual(['bbox', 'segm']);
    for (const t of ['bbox', 'segm']) {
      expect(Object.keys(metrics[t]).sort()).toEqual([...keys].sort());
      for (const k of keys) expect(typeof metrics[t][k]).toBe('number');
    }
    expect(JSON.parse(r.stdout.trim())).toEqual(metrics);
    const baseline = JSON.parse(readFileSync(join(out, 'stage1_metrics.json'), 'utf8'));
    expect(Object.keys(baseline.segm).sort()).toEqual([...keys].sort());
    // stage 2 trained the classifier with the Meta Reweighter on top of stage 1's checkpoint
    const s2 = readMetricsLog(join(out, 'stage2', 'metrics.jsonl')).filter((x) => typeof x['total_loss'] === 'number');
    expect(s2.map((x) => x['iteration'])).toEqual([1, 2]);
    for (const x of s2) expect(x['meta_loss'] as number).toBeGreaterThan(0);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    for (const s of ['Average precision', 'Runs compared', 'AP by frequency bucket', 'against training frequency', 'Training loss', 'data:image/png;base64,']) {
      expect(html).toContain(s);
    }
    expect(existsSync(join(out, 'stage1', 'model_final.ckpt'))).toBe(true);
  });

  it('rejects a bad backend with one line and exit code 2', () => {
    const r = runCli(['demo', '--backend', 'tpu']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
