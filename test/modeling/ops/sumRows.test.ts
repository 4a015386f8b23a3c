import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/backends/index.js';
import { sumRows } from '../../../src/modeling/ops/sumRows.js';
import { Rng } from '../../../src/util/rng.js';
import { maxAbsDiff, randn } from './gradCheck.js';

describe.each(['cpu', 'wasm'] as const)('sumRows on %s', (backend) => {
  it('equals a float64 loop over rows', async () => {
    await initBackend(backend);
    const rng = new Rng(3);
    const m = 1500, q = 7;
    const a = randn(rng, m * q);
    const want = new Float64Array(q);
    for (let r = 0; r < m; r++) for (let c = 0; c < q; c++) want[c] += a[r * q + c]!;
    const z = tf.tensor2d(a, [m, q]);
    const got = sumRows(z);
    expect(got.shape).toEqual([q]);
    expect(maxAbsDiff(got.dataSync(), want)).toBeLessThan(1e-4);
    tf.dispose([z, got]);
  });
});
