import { describe, expect, it } from 'vitest';
import { BalmsInternalError, TrainingDivergedError } from '../../src/util/errors.js';

describe('TrainingDivergedError', () => {
  it('names the first non-finite loss term, not the total', () => {
    const e = TrainingDivergedError.fromLosses(17, { total_loss: NaN, loss_rpn_cls: 0.5, loss_cls: NaN, loss_mask: Infinity }, '/runs/a/last.ckpt');
    expect(e.iteration).toBe(17);
    expect(e.what).toBe('loss_cls is NaN');
    expect(e.message).toBe('training diverged at iteration 17: loss_cls is NaN; last good checkpoint /runs/a/last.ckpt (lower solver.baseLr or set solver.clipGradNorm, then continue with --resume)');
  });

  it('falls back to the total, and says when no checkpoint exists yet', () => {
    const e = TrainingDivergedError.fromLosses(1, { total_loss: Infinity, loss_cls: 1 }, null);
    expect(e.message).toBe('training diverged at iteration 1: total_loss is Infinity; no checkpoint written yet (lower solver.baseLr or set solver.clipGradNorm)');
  });
});

describe('BalmsInternalError', () => {
  it('says it is a bug', () => {
    expect(new BalmsInternalError('x broke').message).toBe('x broke (a bug in balms: please report it)');
  });
});
