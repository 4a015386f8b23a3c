import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LOSS_DEFAULTS, defaultTrainConfig, resolveAnyTrainConfig, resolveTrainConfig } from '../../../src/engine/index.js';
import { inputErrorOf as errorOf } from '../../helpers/inputErrors.js';

const configs = fileURLToPath(new URL('../../../configs', import.meta.url));

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? walk(join(dir, f)) : f.endsWith('.json') ? [join(dir, f)] : []));
}

/** Dotted paths of every leaf (arrays are leaves). */
function leafPaths(v: unknown, prefix = ''): string[] {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return [prefix];
  return Object.entries(v as Record<string, unknown>).flatMap(([k, x]) => leafPaths(x, prefix ? `${prefix}.${k}` : k));
}

function tmpFile(name: string, value: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'balms-traincfg-'));
  const p = join(dir, name);
  writeFileSync(p, JSON.stringify(value));
  return p;
}

describe('shipped configs', () => {
  // compare presets (configs/compare/presets/) are overrides of the method configs, not train configs
  const files = walk(configs).filter((f) => !f.includes('/compare/presets/'));

  it('every config file resolves (valid against the defaults)', () => {
    expect(files.length).toBeGreaterThanOrEqual(16);
    for (const f of files) {
      // classification configs need the data folder (`balms train … --set data.root=DIR`)
      const resolve = f.includes('/classification/') ? () => resolveAnyTrainConfig({ file: f, sets: ['data.root=d'] }) : () => resolveTrainConfig({ file: f });
      expect(resolve, f).not.toThrow();
    }
  });

  it('base.json writes out every default knob, with the default values', () => {
    const base = JSON.parse(readFileSync(join(configs, 'base.json'), 'utf8')) as Record<string, unknown>;
    const defaults = { ...defaultTrainConfig(), loss: LOSS_DEFAULTS.balanced_softmax };
    expect(leafPaths(base).sort()).toEqual(leafPaths(defaults).sort());
    expect(base).toEqual(JSON.parse(JSON.stringify(defaults)));
    expect(resolveTrainConfig({ file: join(configs, 'base.json') })).toEqual(resolveTrainConfig({}));
  });

  it('stage-2 configs start from their stage-1 config\'s final checkpoint', () => {
    const pairs: [string, string][] = [
      ['demo_stage2.json', 'demo.json'],
      ['synth/balms_stage2.json', 'synth/softmax_rfs.json'],
      ['lvis/v0.5_mask_rcnn_balms.json', 'lvis/v0.5_mask_rcnn_sigmoid_rfs.json'],
      ['lvis/v1_mask_rcnn_balms.json', 'lvis/v1_mask_rcnn_sigmoid_rfs.json'],
    ];
    for (const [s2, s1] of pairs) {
      const c2 = resolveTrainConfig({ file: join(configs, s2) });
      const c1 = resolveTrainConfig({ file: join(configs, s1) });
      expect(c2.stage2).toEqual({ enabled: true, initCheckpoint: `${c1.outputDir}/model_final.ckpt`, trainable: 'classifier' });
      expect(c2.meta.type).toBe('meta_reweighter');
      expect(c2.model).toEqual(c1.model);
      expect(c2.outputDir).not.toBe(c1.outputDir);
    }
  });

  it('the LVIS configs carry the paper\'s schedule (16 images/batch, lr 0.02, 90k steps 60k/80k; stage 2 22k steps 11k/18k; RFS t=0.001)', () => {
    for (const v of ['v0.5', 'v1']) {
      for (const s1 of ['sigmoid_rfs', 'softmax_rfs']) {
        const c = resolveTrainConfig({ file: join(configs, `lvis/${v}_mask_rcnn_${s1}.json`) });
        expect(c.loss.type).toBe(s1.split('_')[0]);
        expect([c.data.imagesPerBatch, c.solver.baseLr, c.solver.maxIter, c.solver.steps]).toEqual([16, 0.02, 90000, [60000, 80000]]);
        expect(c.sampler).toEqual({ type: 'repeat_factor', repeatThreshold: 0.001, repeatSqrt: true });
        expect(c.backend).toBe('tfjs-node-gpu');
        expect(c.data.synth.enabled).toBe(false);
        expect(c.data.trainAnnotations).toContain(`lvis_${v}_train.json`);
      }
      const b = resolveTrainConfig({ file: join(configs, `lvis/${v}_mask_rcnn_balms.json`) });
      expect([b.solver.baseLr, b.solver.maxIter, b.solver.steps, b.loss.type]).toEqual([0.02, 22000, [11000, 18000], 'balanced_sigmoid']);
    }
  });

  it('the synth configs share the demo\'s dataset, model and schedule and differ in loss and sampler', () => {
    const demo = resolveTrainConfig({ file: join(configs, 'demo.json') });
    const seen = new Set<string>();
    for (const f of ['softmax', 'softmax_rfs', 'sigmoid_rfs', 'balanced_softmax']) {
      const c = resolveTrainConfig({ file: join(configs, `synth/${f}.json`) });
      expect([c.data, c.model, c.solver]).toEqual([demo.data, demo.model, demo.solver]);
      expect(c.stage2.enabled).toBe(false);
      seen.add(`${c.loss.type}/${c.sampler.type}`);
    }
    expect(seen.size).toBe(4);
  });
});

describe('config errors name the key', () => {
  it('an unknown key in a file (with the file named)', () => {
    const f = tmpFile('typo.json', { _base_: join(configs, 'demo.json'), solver: { maxIterr: 5 } });
    const e = errorOf(() => resolveTrainConfig({ file: f }));
    expect(e.path).toBe('solver.maxIterr');
    expect(e.message).toContain(f);
    expect(e.message).toMatch(/unknown key .*maxIter/);
  });

  it('a wrong type via --set and via a file', () => {
    const e = errorOf(() => resolveTrainConfig({ sets: ['solver.baseLr=fast'] }));
    expect(e.path).toBe('solver.baseLr');
    expect(e.message).toMatch(/^--set: solver\.baseLr: must be a number, got string/);
    const f = tmpFile('type.json', { data: { minSizeTrain: 800 } });
    expect(errorOf(() => resolveTrainConfig({ file: f })).path).toBe('data.minSizeTrain');
    expect(errorOf(() => resolveTrainConfig({ sets: ['model.anchors.sizes=[[16,"x"]]'] })).path).toBe('model.anchors.sizes[0][1]');
  });

  it('a bad choice via --set and via a file', () => {
    const e = errorOf(() => resolveTrainConfig({ sets: ['sampler.type=rfs'] }));
    expect(e.path).toBe('sampler.type');
    expect(e.message).toContain('"repeat_factor"');
    const f = tmpFile('choice.json', { loss: { type: 'softmx' } });
    const l = errorOf(() => resolveTrainConfig({ file: f }));
    expect(l.path).toBe('loss.type');
    expect(l.message).toContain('"balanced_softmax"');
    expect(errorOf(() => resolveTrainConfig({ sets: ['loss.countSource=images'] })).path).toBe('loss.countSource');
  });

  it('a knob of another loss, and out-of-range values', () => {
    expect(errorOf(() => resolveTrainConfig({ sets: ['loss.tau=2'] })).path).toBe('loss.tau');
    expect(errorOf(() => resolveTrainConfig({ sets: ['solver.maxIter=-1'] })).path).toBe('solver.maxIter');
    expect(errorOf(() => resolveTrainConfig({ sets: ['meta.type=meta_reweighter'] })).path).toBe('meta.type');
    expect(errorOf(() => resolveTrainConfig({ sets: ['stage2.enabled=true'] })).path).toBe('stage2.initCheckpoint');
  });

  it('an inconsistent model section is rejected with the config, naming the model key', () => {
    const e = errorOf(() => resolveTrainConfig({ sets: ['model.fpn.enabled=false'] }));
    expect(e.path).toBe('model.anchors.sizes');
    expect(e.file).toBe('--set');
    expect(errorOf(() => resolveTrainConfig({ sets: ['model.fpn.inStages=[1,3]'] })).path).toBe('model.fpn.inStages');
    expect(resolveTrainConfig({ sets: ['model.fpn.enabled=false', 'model.anchors.sizes=[[32,64,128]]'] }).model.fpn.enabled).toBe(false);
  });

  it('every knob is range-checked, used or not: a disabled FPN with a stage the backbone lacks is rejected', () => {
    const e = errorOf(() => resolveTrainConfig({ sets: ['model.fpn.enabled=false', 'model.anchors.sizes=[[32,64,128]]', 'model.fpn.inStages=[7]'] }));
    expect(e.path).toBe('model.fpn.inStages');
    expect(e.message).toMatch(/checked with fpn\.enabled false too/);
  });

  it("loss.priorCounts takes the LVIS tables; v1's lacks instance counts", () => {
    expect(resolveTrainConfig({ sets: ['loss.priorCounts=lvis_v0.5'] }).loss).toMatchObject({ priorCounts: 'lvis_v0.5' });
    expect(errorOf(() => resolveTrainConfig({ sets: ['loss.priorCounts=lvis_v1', 'loss.countSource=instance_count'] })).path).toBe('loss.priorCounts');
    expect(errorOf(() => resolveTrainConfig({ sets: ['loss.priorCounts=lvis'] })).path).toBe('loss.priorCounts');
  });

  it('pixel normalisation is configured in one place (data.*): a model normalisation is rejected', () => {
    expect(errorOf(() => resolveTrainConfig({ sets: ['model.pixelMean=[123.675,116.28,103.53]'] })).path).toBe('model.pixelMean');
    expect(errorOf(() => resolveTrainConfig({ sets: ['model.pixelStd=[58,57,57]'] })).message).toMatch(/data\.pixelStd/);
    expect(resolveTrainConfig({ sets: ['data.pixelMean=[1,2,3]'] }).data.pixelMean).toEqual([1, 2, 3]);
  });

  it('a meta learner with a setting it cannot honour is rejected, naming the keys', () => {
    const stage2 = ['stage2.enabled=true', 'stage2.initCheckpoint=stage1.ckpt'];
    for (const type of ['meta_reweighter', 'meta_sampler']) {
      const sets = [...stage2, `meta.type=${type}`];
      expect(resolveTrainConfig({ sets }).meta.type).toBe(type);
      for (const [set, path] of [
        ['stage2.trainable=roi_heads', 'stage2.trainable'],
        ['stage2.trainable=all', 'stage2.trainable'],
        ['loss.type=seesaw', 'loss.type'],
        ['loss.type=focal', 'loss.type'],
      ] as const) {
        const e = errorOf(() => resolveTrainConfig({ sets: [...sets, set] }));
        expect(e.path).toBe(path);
        expect(e.message).toContain(`meta.type "${type}"`);
      }
      // without a meta learner, each of them is fine
      for (const set of ['stage2.trainable=roi_heads', 'loss.type=seesaw']) {
        expect(() => resolveTrainConfig({ sets: [...stage2, set] })).not.toThrow();
      }
    }
    const e = errorOf(() => resolveTrainConfig({ sets: [...stage2, 'meta.type=meta_sampler', 'sampler.type=class_balanced'] }));
    expect(e.path).toBe('sampler.type');
    expect(e.message).toContain('"repeat_factor"');
    expect(resolveTrainConfig({ sets: [...stage2, 'meta.type=meta_reweighter', 'sampler.type=class_balanced'] }).sampler.type).toBe('class_balanced');
  });
});

describe('overrides', () => {
  it('--set reaches any knob, arrays included, over a file chain', () => {
    const c = resolveTrainConfig({ file: join(configs, 'synth/softmax.json'), sets: ['model.roiHeads.boxHead.fcDims=[32,32]', 'solver.baseLr=0.1', 'outputDir=x'] });
    expect(c.model.roiHeads.boxHead.fcDims).toEqual([32, 32]);
    expect(c.solver.baseLr).toBe(0.1);
    expect(c.outputDir).toBe('x');
    expect(c.sampler.type).toBe('instance_balanced');
    expect(c.model.backbone.stageChannels).toEqual(resolveTrainConfig({ file: join(configs, 'demo.json') }).model.backbone.stageChannels);
  });

  it('changing loss.type drops the previous loss\'s knobs and takes the new one\'s defaults', () => {
    const s = resolveTrainConfig({ file: join(configs, 'synth/balanced_softmax.json'), sets: ['loss.type=sigmoid'] });
    expect(s.loss).toEqual({ type: 'sigmoid' });
    const f = tmpFile('focal.json', { _base_: join(configs, 'base.json'), loss: { type: 'focal', gamma: 1 } });
    expect(resolveTrainConfig({ file: f }).loss).toEqual({ type: 'focal', gamma: 1, alpha: 0.25 });
    // the same type merges knob by knob
    const b = resolveTrainConfig({ file: join(configs, 'synth/balanced_softmax.json'), sets: ['loss.smoothing=0.5'] });
    expect(b.loss).toMatchObject({ type: 'balanced_softmax', countSource: 'image_count', smoothing: 0.5 });
  });
});
