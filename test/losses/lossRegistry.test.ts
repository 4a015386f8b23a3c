/**
 * The loss registry says what `createClassifierLoss` builds: for every loss type (and both
 * class-balanced bases, with and without a background column) the built loss's family and per-row
 * form match the traits, and the count trait is exact — a class with count 0 in the source the
 * registry names makes the build fail exactly where the registry says it is not allowed.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createClassifierLoss, type ClassifierLossConfig, type ClassStats } from '../../src/losses/classifierLoss.js';
import { LOSS_REGISTRY, LOSS_TYPES, lossTraits } from '../../src/losses/lossRegistry.js';
import { BalmsInputError } from '../../src/util/errors.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const full: ClassStats = { imageCount: [300, 60, 12, 3], instanceCount: [900, 100, 20, 3], numTrainImages: 1000 };
const zeroImages: ClassStats = { imageCount: [300, 60, 12, 0], instanceCount: [900, 100, 20, 3], numTrainImages: 1000 };
const zeroInstances: ClassStats = { imageCount: [300, 60, 12, 3], instanceCount: [900, 100, 20, 0], numTrainImages: 1000 };

const defaultsOf = (type: string, extra: object = {}) => ({ ...structuredClone(LOSS_REGISTRY[type as ClassifierLossConfig['type']].defaults), ...extra }) as unknown as ClassifierLossConfig;
const CONFIGS: ClassifierLossConfig[] = [
  ...LOSS_TYPES.map((t) => defaultsOf(t)),
  defaultsOf('class_balanced', { base: 'sigmoid' }),
  defaultsOf('class_balanced', { base: 'focal' }),
  defaultsOf('class_balanced', { beta: 0 }),
  defaultsOf('class_balanced', { countSource: 'image_count' }),
  defaultsOf('balanced_softmax', { smoothing: 1 }),
  defaultsOf('balanced_softmax', { countSource: 'instance_count' }),
  defaultsOf('balanced_sigmoid', { smoothing: 0.5 }),
  defaultsOf('logit_adjusted', { countSource: 'instance_count', smoothing: 2 }),
];

describe('loss registry', () => {
  it('lists every loss type once, each with its own defaults', () => {
    expect(LOSS_TYPES).toEqual(['softmax', 'balanced_softmax', 'sigmoid', 'balanced_sigmoid', 'focal', 'class_balanced', 'eql', 'seesaw', 'logit_adjusted']);
    for (const t of LOSS_TYPES) expect(LOSS_REGISTRY[t].defaults['type']).toBe(t);
  });

  for (const cfg of CONFIGS) {
    for (const background of [true, false]) {
      it(`${JSON.stringify(cfg)}${background ? '' : ' (no background)'}: family, per-row form and counts as the traits say`, () => {
        const t = lossTraits(cfg);
        const loss = createClassifierLoss(cfg, full, { background });
        expect(loss.family).toBe(t.family);
        expect(loss.outputs(4)).toBe(t.family === 'softmax' && background ? 5 : 4);
        expect(loss.rowLoss !== undefined).toBe(t.rowLoss);
        for (const [source, stats] of [['image_count', zeroImages], ['instance_count', zeroInstances]] as const) {
          const fails = t.counts !== null && t.counts.source === source && !t.counts.zeroAllowed;
          const build = () => createClassifierLoss(cfg, stats, { background });
          if (fails) expect(build, source).toThrow(BalmsInputError);
          else expect(build, source).not.toThrow();
        }
      });
    }
  }
});
