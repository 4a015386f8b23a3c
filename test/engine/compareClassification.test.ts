/**
 * `balms compare` for long-tailed classification: the CIFAR-10-LT presets resolve (from
 * configs/compare/presets/), and a tiny compare on an image-folder tree written here (3 classes of
 * 8×8 PNGs) trains softmax, Balanced Softmax and BALMS (its stage 1 shared) and writes compare.json
 * with the classification metrics (top-1, many / medium / few / tail) and their paired intervals.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodePngRgb } from '../../src/data/synth/png.js';
import { COMPARE_PRESETS, CLASSIFICATION_COMPARE_METHODS, runCompare, type ClassificationTrainConfig, type ComparePreset } from '../../src/engine/index.js';
import { compareRunConfig } from '../../src/engine/compare/runCompare.js';
import { Rng } from '../../src/util/rng.js';

const root = mkdtempSync(join(tmpdir(), 'balms-compare-cls-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const COLOURS = [[200, 40, 40], [40, 200, 40], [40, 40, 200]];

function writeTree(dir: string, split: string, perClass: number, seed: number): void {
  const rng = new Rng(seed);
  ['red', 'green', 'blue'].forEach((name, c) => {
    const d = join(dir, split, name);
    mkdirSync(d, { recursive: true });
    for (let j = 0; j < perClass; j++) {
      const px = new Uint8Array(8 * 8 * 4); // RGBA (alpha dropped by the encoder)
      for (let p = 0; p < px.length; p++) px[p] = p % 4 === 3 ? 255 : Math.max(0, Math.min(255, Math.round(COLOURS[c]![p % 4]! + 50 * rng.normal())));
      writeFileSync(join(d, `${String(j).padStart(4, '0')}.png`), encodePngRgb(px, 8, 8));
    }
  });
}

describe('compare presets live in configs/compare/presets/', () => {
  it('the detection presets are the former in-code constants', () => {
    expect(COMPARE_PRESETS['default']).toEqual({
      name: 'default', task: 'detection', summary: '48 categories, 1,500 train / 200 val / 600 test images (≥ 30 test instances per rare category)',
      common: {}, stage1: { solver: { maxIter: 1000, steps: [750, 900], warmupIters: 50 } }, stage2: { solver: { maxIter: 300, steps: [200, 260], warmupIters: 0 } },
    });
    expect(COMPARE_PRESETS['quick']!.common).toEqual({ data: { synth: { categories: 32, trainImages: 600, valImages: 120, testImages: 300, minValImages: 8, minTestImages: 13, frequentMaxShare: 0.25 } } });
    expect(COMPARE_PRESETS['quick']!.stage1).toEqual({ solver: { maxIter: 250, steps: [190, 230], warmupIters: 25 } });
    expect(COMPARE_PRESETS['quick']!.stage2).toEqual({ solver: { maxIter: 60, steps: [40, 52], warmupIters: 0 } });
  });
});

describe('balms compare: classification', () => {
  it('the CIFAR-10-LT presets resolve with data.root, each method one balms train config', () => {
    for (const name of ['cifar10-lt-100', 'cifar10-lt-200', 'cifar10-lt-quick']) {
      const preset = COMPARE_PRESETS[name]!;
      expect(preset.task).toBe('classification');
      for (const method of CLASSIFICATION_COMPARE_METHODS) {
        const cfg = compareRunConfig({ method, seed: 1, dir: join(root, 'x'), listed: true }, preset, { sets: ['data.root=d'] }, join(root, 'stage1')) as ClassificationTrainConfig;
        expect(cfg.task).toBe('classification');
        expect(cfg.seed).toBe(1);
        expect(cfg.eval.split).toBe('test');
        expect(cfg.data.imbalanceFactor).toBe(name.endsWith('200') ? 200 : 100);
        expect(cfg.stage2.enabled).toBe(!!method.from);
      }
    }
  });

  it('trains and summarises a tiny compare with the classification metrics', { timeout: 600_000 }, async () => {
    const data = join(root, 'data');
    writeTree(data, 'train', 24, 1);
    writeTree(data, 'test', 6, 2);
    const preset: ComparePreset = {
      name: 'tiny', task: 'classification', summary: 'tiny',
      common: { backend: 'cpu', data: { imbalanceFactor: 6, valPerClass: 3, imagesPerBatch: 8, cacheDir: join(root, 'cache') }, model: { depth: 8, width: 1 }, eval: { batchSize: 16 }, meta: { imagesPerBatch: 6 }, log: { period: 1 } },
      stage1: { solver: { maxIter: 6, warmupIters: 2, baseLr: 0.05 } },
      stage2: { solver: { maxIter: 4, warmupIters: 0, baseLr: 0.05 } },
    };
    const out = join(root, 'cmp');
    const r = await runCompare({ outDir: out, preset, methods: ['softmax', 'balanced_softmax', 'balms'], seeds: 2, sets: [`data.root=${data}`], quiet: true, log: () => {} });
    expect(r.complete).toBe(true);
    expect(r.trained).toBe(6); // softmax (also balms's stage 1), balanced_softmax, balms; 2 seeds
    const j = JSON.parse(readFileSync(r.jsonPath, 'utf8')) as { task: string; baseline: string; methods: { name: string; runs: unknown[]; mean: { acc: Record<string, number> }; vsBaseline: Record<string, unknown> | null }[] };
    expect(j.task).toBe('classification');
    expect(j.baseline).toBe('softmax');
    for (const m of j.methods) {
      expect(m.runs).toHaveLength(2);
      expect(Object.keys(m.mean.acc).sort()).toEqual(['few', 'many', 'medium', 'tail', 'top1']);
      expect(m.mean.acc['top1']).toBeGreaterThanOrEqual(0);
    }
    const balms = j.methods.find((m) => m.name === 'balms')!;
    expect(Object.keys(balms.vsBaseline!).sort()).toEqual(['acc.tail', 'acc.top1']);
    const html = readFileSync(r.htmlPath, 'utf8');
    expect(html).toMatch(/tail/);
    expect(html).not.toMatch(/APr/);
  });
});
