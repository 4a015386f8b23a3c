/**
 * The `task` knob: classification configs resolve with `_base_` and `--set` like detection's; a knob
 * of the other task, a detection loss knob, and inconsistent classification settings are rejected
 * with a line naming the key; every config under configs/classification resolves.
 */
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ClassificationTrainConfig } from '../../../src/engine/config/classificationConfig.js';
import { resolveAnyTrainConfig } from '../../../src/engine/config/resolveTrainConfig.js';
import { inputErrorOf } from '../../helpers/inputErrors.js';

const dir = mkdtempSync(join(tmpdir(), 'balms-clscfg-'));
const CLS = ['task=classification', 'data.root=/data/cifar10'];

function rejects(sets: string[], key: string, words: RegExp): void {
  const err = inputErrorOf(() => resolveAnyTrainConfig({ sets }));
  expect(err.path).toBe(key);
  expect(err.message).toMatch(words);
}

describe('classification config', () => {
  it('resolves with _base_ and --set, filling every classification knob', () => {
    writeFileSync(join(dir, 'base.json'), JSON.stringify({ task: 'classification', data: { root: 'x', imbalanceFactor: 50 }, loss: { type: 'balanced_softmax' } }));
    writeFileSync(join(dir, 'child.json'), JSON.stringify({ _base_: 'base.json', model: { depth: 20 } }));
    const cfg = resolveAnyTrainConfig({ file: join(dir, 'child.json'), sets: ['data.root=/elsewhere', 'data.augment.cutout=8'] }) as ClassificationTrainConfig;
    expect(cfg.task).toBe('classification');
    expect(cfg.data).toMatchObject({ root: '/elsewhere', imbalanceFactor: 50, augment: { padCrop: 4, flip: true, cutout: 8, autoAugment: false } });
    expect(cfg.model).toEqual({ depth: 20, width: 1 });
    expect(cfg.loss).toEqual({ type: 'balanced_softmax', countSource: 'image_count', smoothing: 0 });
  });

  it('detection stays the default task', () => {
    expect(resolveAnyTrainConfig({}).task).toBe('detection');
  });

  it('rejects a detection knob in a classification config, and the reverse', () => {
    rejects([...CLS, 'data.synth.enabled=false'], 'data.synth', /is a detection knob.*task "classification"/);
    rejects([...CLS, 'model.backbone=resnet50'], 'model.backbone', /is a detection knob/);
    rejects(['data.root=/data/cifar10'], 'data.root', /is a classification knob.*task "detection".*set task "classification"/);
    rejects(['data.augment.flip=true'], 'data.augment', /is a classification knob/);
    rejects([...CLS, 'loss.type=balanced_softmax', 'loss.background.mode=none'], 'loss.background', /no background/);
  });

  it('rejects inconsistent classification settings', () => {
    rejects([...CLS, 'model.depth=10'], 'model.depth', /6n\+2/);
    rejects(['task=classification'], 'data.root', /data.root=/);
    rejects([...CLS, 'meta.type=meta_sampler'], 'meta.type', /stage 2/);
    rejects([...CLS, 'stage2.enabled=true', 'stage2.initCheckpoint=a.ckpt', 'meta.type=meta_sampler', 'sampler.type=class_balanced'], 'sampler.type', /instance_balanced/);
    rejects([...CLS, 'stage2.enabled=true', 'stage2.initCheckpoint=a.ckpt', 'meta.type=meta_sampler', 'loss.type=focal'], 'loss.type', /softmax loss/);
    rejects([...CLS, 'stage2.initCheckpoint=a.ckpt'], 'stage2.initCheckpoint', /only read in stage 2/);
    rejects([...CLS, 'sampler.type=repeat_factor'], 'sampler.type', /must be one of/);
    rejects([...CLS, 'data.imbalanceFactor=0.5'], 'data.imbalanceFactor', /must be a number in \[1,/);
    rejects(['task=segmentation'], 'task', /must be one of/);
    rejects([...CLS, 'data.valPerClass=0'], 'data.valPerClass', /no val split.*eval.split is "val"/);
    rejects([...CLS, 'data.valPerClass=0', 'eval.split=test', 'eval.period=10'], 'data.valPerClass', /eval.period/);
    rejects([...CLS, 'data.pixelStd=[60,0,60]'], 'data.pixelStd[1]', /must be a number in \(0,/);
  });

  it('every configs/classification file resolves (one balms train config per method)', () => {
    const folder = join(import.meta.dirname, '../../../configs/classification');
    const methods = readdirSync(folder).filter((f) => !f.includes('base'));
    expect(methods.sort()).toEqual(['balanced_softmax.json', 'balms.json', 'crt.json', 'decoupled_balanced_softmax.json', 'softmax.json']);
    for (const f of readdirSync(folder)) {
      const cfg = resolveAnyTrainConfig({ file: join(folder, f), sets: ['data.root=/data/cifar10'] }) as ClassificationTrainConfig;
      expect(cfg.task, f).toBe('classification');
    }
    const balms = resolveAnyTrainConfig({ file: join(folder, 'balms.json'), sets: ['data.root=d'] }) as ClassificationTrainConfig;
    expect(balms).toMatchObject({ stage2: { enabled: true }, meta: { type: 'meta_sampler', lr: 0.01, tau: 1 }, loss: { type: 'balanced_softmax' } });
  });
});
