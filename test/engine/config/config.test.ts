import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateConfig, type JsonObject } from '../../../src/engine/config/configSchema.js';
import { loadConfigFile } from '../../../src/engine/config/loadConfigFile.js';
import { parseSetOverrides } from '../../../src/engine/config/setOverrides.js';
import { deepMerge } from '../../../src/util/deepMerge.js';
import { inputErrorOf as errorOf } from '../../helpers/inputErrors.js';

const defaults: JsonObject = {
  seed: 0,
  name: null,
  solver: { base_lr: 0.02, steps: [10, 20], nesterov: false },
  loss: { type: 'softmax' },
};
const choices = { 'loss.type': ['softmax', 'balanced_softmax'] };

describe('validateConfig', () => {
  it('accepts a config that follows the defaults', () => {
    expect(() => validateConfig(deepMerge(defaults, { solver: { base_lr: 0.1 } }), defaults, { choices })).not.toThrow();
  });

  it('names the unknown key with its full path and the file', () => {
    const e = errorOf(() => validateConfig({ solver: { base_lrr: 1 } }, defaults, { file: 'x.json', choices }));
    expect(e.message).toContain('x.json');
    expect(e.path).toBe('solver.base_lrr');
    expect(e.message).toContain('unknown key');
    expect(e.message).toContain('base_lr');
  });

  it('names a key of the wrong type', () => {
    const e = errorOf(() => validateConfig({ solver: { base_lr: 'fast' } }, defaults, { choices }));
    expect(e.path).toBe('solver.base_lr');
    expect(e.message).toMatch(/must be a number, got string/);
  });

  it('checks array elements and enumerated values', () => {
    expect(errorOf(() => validateConfig({ solver: { steps: [1, 'x'] } }, defaults)).path).toBe('solver.steps[1]');
    const e = errorOf(() => validateConfig({ loss: { type: 'softmx' } }, defaults, { choices }));
    expect(e.path).toBe('loss.type');
    expect(e.message).toContain('"balanced_softmax"');
  });
});

describe('config files and overrides', () => {
  it('merges _base_ chains, later files overriding earlier ones', () => {
    const dir = mkdtempSync(join(tmpdir(), 'balms-cfg-'));
    writeFileSync(join(dir, 'base.json'), JSON.stringify({ seed: 1, solver: { base_lr: 0.02, steps: [5] } }));
    writeFileSync(join(dir, 'mid.json'), JSON.stringify({ _base_: 'base.json', solver: { base_lr: 0.01 } }));
    writeFileSync(join(dir, 'top.json'), JSON.stringify({ _base_: ['mid.json'], seed: 3 }));
    expect(loadConfigFile(join(dir, 'top.json'))).toEqual({ seed: 3, solver: { base_lr: 0.01, steps: [5] } });
  });

  it('detects _base_ cycles and bad JSON with the file named', () => {
    const dir = mkdtempSync(join(tmpdir(), 'balms-cfg-'));
    writeFileSync(join(dir, 'a.json'), JSON.stringify({ _base_: 'b.json' }));
    writeFileSync(join(dir, 'b.json'), JSON.stringify({ _base_: 'a.json' }));
    expect(errorOf(() => loadConfigFile(join(dir, 'a.json'))).message).toContain('cycle');
    writeFileSync(join(dir, 'bad.json'), '{"seed": 1,');
    const e = errorOf(() => loadConfigFile(join(dir, 'bad.json')));
    expect(e.file).toBe(join(dir, 'bad.json'));
    expect(e.message).toContain('invalid JSON');
  });

  it('parses --set values as JSON when they parse, strings otherwise', () => {
    expect(parseSetOverrides(['solver.base_lr=0.5', 'loss.type=balanced_softmax', 'solver.steps=[1,2]', 'solver.nesterov=true'])).toEqual({
      solver: { base_lr: 0.5, steps: [1, 2], nesterov: true },
      loss: { type: 'balanced_softmax' },
    });
    expect(() => parseSetOverrides(['novalue'])).toThrow(/key=value/);
  });
});
