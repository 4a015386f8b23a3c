/**
 * How often the training sampler shows a rare category's images in a `balms compare` stage-1 run:
 * expected draws per category under instance-balanced sampling and under repeat factor sampling,
 * from the preset's synthetic plan (no rendering, no training). Backs docs/compare.md's answer to
 * "why does Balanced Softmax lift APr only together with RFS here?".
 *
 *   node --import tsx scripts/compare/rareExposure.ts [default|quick]
 */
import { join } from 'node:path';
import { planSynthDataset, DEFAULT_SYNTH_OPTIONS, type SynthOptions } from '../../src/data/synth/index.js';
import { resolveTrainConfig } from '../../src/engine/config/resolveTrainConfig.js';
import { CONFIG_DIR } from '../../src/engine/demo.js';
import { COMPARE_PRESETS } from '../../src/engine/compare/methods.js';
import { InstanceBalancedSampler, RepeatFactorSampler, sampledClassCounts } from '../../src/sampling/index.js';
import type { JsonObject } from '../../src/engine/config/configSchema.js';

const presetName = process.argv[2] ?? 'default';
const preset = COMPARE_PRESETS[presetName]!;
const cfg = resolveTrainConfig({ file: join(CONFIG_DIR, 'compare', 'softmax_rfs.json'), overrides: { ...(preset.common as JsonObject), ...(preset.stage1 as JsonObject) } as JsonObject });
const { enabled: _e, cacheDir: _c, ...synth } = cfg.data.synth;
const plan = planSynthDataset({ ...DEFAULT_SYNTH_OPTIONS, ...(synth as Partial<SynthOptions>) });
const k = plan.categories.length;
const imageClasses = plan.train.map((im) => Int32Array.from(new Set(im.objects.filter((o) => o.annotated !== false).map((o) => o.category))));
const draws = cfg.solver.maxIter * cfg.data.imagesPerBatch;
const ib = new InstanceBalancedSampler(imageClasses.length, { seed: 0 }).expectedDraws();
const rfs = new RepeatFactorSampler({ imageCategories: imageClasses }, { threshold: cfg.sampler.repeatThreshold, sqrt: cfg.sampler.repeatSqrt, seed: 0 }).expectedDraws();
// sampledClassCounts gives per-class draws over an epoch of N images; scale to the run's draws
const perCategory = (d: ArrayLike<number>) => sampledClassCounts(imageClasses, d, k).map((c) => (c * draws) / imageClasses.length);
const a = perCategory(ib);
const b = perCategory(rfs);
const imgs = new Int32Array(k);
imageClasses.forEach((cs) => cs.forEach((c) => imgs[c]!++));
console.log(`preset ${presetName}: ${plan.train.length} training images, ${k} categories, ${cfg.solver.maxIter} iterations × ${cfg.data.imagesPerBatch} images = ${draws} image draws; RFS t = ${cfg.sampler.repeatThreshold}`);
console.log('bucket  categories  train images (min–max)  draws per category, instance-balanced (min–max)  with RFS (min–max)');
for (const f of ['rare', 'common', 'frequent'] as const) {
  const ids = plan.categories.map((c, j) => [c, j] as const).filter(([c]) => c.intended === f[0]).map(([, j]) => j);
  const r = (v: ArrayLike<number>) => {
    const xs = ids.map((j) => v[j]!);
    return `${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)} (mean ${(xs.reduce((s, x) => s + x, 0) / xs.length).toFixed(1)})`;
  };
  console.log(`${f.padEnd(8)}${String(ids.length).padStart(10)}  ${r(imgs).padStart(22)}  ${r(a).padStart(46)}  ${r(b)}`);
}
