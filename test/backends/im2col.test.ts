import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backends/index.js';
import { im2col } from '../../src/backends/im2col.js';
import { Rng } from '../../src/util/rng.js';
import { randn } from '../modeling/ops/gradCheck.js';

/** Patches by definition: row (n, oy, ox), column (ky, kx, c). */
function naiveIm2col(x: Float32Array, [n, h, w, c]: number[], k: number, s: number, pt: number, pl: number, oh: number, ow: number): Float32Array {
  const out = new Float32Array(n * oh * ow * k * k * c);
  let i = 0;
  for (let b = 0; b < n; b++) for (let oy = 0; oy < oh; oy++) for (let ox = 0; ox < ow; ox++)
    for (let ky = 0; ky < k; ky++) for (let kx = 0; kx < k; kx++) for (let ch = 0; ch < c; ch++, i++) {
      const iy = oy * s + ky - pt, ix = ox * s + kx - pl;
      out[i] = iy >= 0 && iy < h && ix >= 0 && ix < w ? x[((b * h + iy) * w + ix) * c + ch]! : 0;
    }
  return out;
}

describe.each(['cpu', 'wasm'] as const)('im2col on %s', (backend) => {
  beforeAll(async () => {
    await initBackend(backend);
  });

  const cases: Array<[c: number, k: number, s: number, h: number, w: number, pt: number, pl: number]> = [
    [3, 3, 1, 5, 6, 1, 1], [20, 3, 1, 4, 4, 1, 1], [20, 3, 2, 7, 6, 1, 0], [5, 1, 2, 5, 5, 0, 0], [17, 5, 1, 6, 5, 2, 2],
  ];
  for (const [c, k, s, h, w, pt, pl] of cases) {
    it(`C=${c} k=${k} stride=${s} pad=(${pt},${pl}) equals the definition, with and without the kernel`, () => {
      const rng = new Rng(c + k + s);
      const shape = [2, h, w, c];
      const xa = randn(rng, 2 * h * w * c);
      const oh = Math.floor((h + 2 * pt - k) / s) + 1, ow = Math.floor((w + 2 * pl - k) / s) + 1;
      const x = tf.tensor4d(xa, shape as [number, number, number, number]);
      const want = naiveIm2col(xa, shape, k, s, pt, pl, oh, ow);
      const got = im2col(x, k, s, pt, pl, oh, ow);
      expect(got.shape).toEqual([2 * oh * ow, k * k * c]);
      expect(Array.from(got.dataSync())).toEqual(Array.from(want));
      // the generic path (pad + strided slices + concat) used where the kernel is absent
      const kernel = tf.getKernel('BalmsIm2Col', backend)!;
      tf.unregisterKernel('BalmsIm2Col', backend);
      try {
        const generic = im2col(x, k, s, pt, pl, oh, ow);
        expect(Array.from(generic.dataSync())).toEqual(Array.from(want));
        generic.dispose();
      } finally {
        tf.registerKernel(kernel);
      }
      tf.dispose([x, got]);
    });
  }
});
