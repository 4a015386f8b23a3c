import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveTrainConfig } from '../../src/engine/config/resolveTrainConfig.js';
import { CONFIG_DIR, DEMO_CONFIGS, DEMO_VARIANT_NOTE } from '../../src/engine/demo.js';

describe('the demo configs live in configs/', () => {
  it('demo_quick*.json equal the overrides the demo applied in code before (same resolved configs)', () => {
    const before1 = resolveTrainConfig({
      file: join(CONFIG_DIR, 'demo.json'),
      overrides: { data: { synth: { categories: 12, trainImages: 400, valImages: 120 } }, solver: { maxIter: 400, steps: [300, 370], warmupIters: 50 } },
    });
    const before2 = resolveTrainConfig({
      file: join(CONFIG_DIR, 'demo_stage2.json'),
      overrides: { data: { synth: { categories: 12, trainImages: 400, valImages: 120 } }, solver: { maxIter: 60, steps: [40, 52], warmupIters: 0 } },
    });
    expect(resolveTrainConfig({ file: join(CONFIG_DIR, DEMO_CONFIGS.quick.stage1) })).toEqual(before1);
    expect(resolveTrainConfig({ file: join(CONFIG_DIR, DEMO_CONFIGS.quick.stage2) })).toEqual(before2);
  });

  it('no measured figure in the variant note (figures live in docs/)', () => {
    expect(DEMO_VARIANT_NOTE).not.toMatch(/\d+\.\d/);
  });
});
