import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backends/index.js';
import { Rng } from '../../src/util/rng.js';
import { maxAbsDiff, randn } from '../modeling/ops/gradCheck.js';
import { naiveConv } from '../modeling/ops/naiveConv.js';

/** Values computed on the cpu backend (the reference) and compared on each backend. */
function onCpu<T>(f: () => T): T {
  const prev = tf.getBackend();
  tf.setBackend('cpu');
  try {
    return f();
  } finally {
    tf.setBackend(prev);
  }
}

describe.each(['cpu', 'wasm'] as const)('training kernels on %s', (backend) => {
  beforeAll(async () => {
    await initBackend('cpu');
    await initBackend(backend);
  });

  it('UnsortedSegmentSum sums rows per segment (duplicates, empty segments) like a plain loop', () => {
    const rng = new Rng(1);
    const rows = 50, cols = 3, segs = 7;
    const xa = randn(rng, rows * cols);
    const ids = new Int32Array(rows).map(() => rng.int(segs - 1)); // segment 6 stays empty
    const expected = new Float32Array(segs * cols);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) expected[ids[r]! * cols + c] += xa[r * cols + c]!;
    const y = tf.unsortedSegmentSum(tf.tensor2d(xa, [rows, cols]), tf.tensor1d(ids, 'int32'), segs);
    expect(y.shape).toEqual([segs, cols]);
    expect(maxAbsDiff(y.dataSync(), expected)).toBeLessThan(1e-5);
    const y1 = tf.unsortedSegmentSum(tf.tensor1d([1, 2, 3, 4], 'int32'), tf.tensor1d([2, 0, 2, 2], 'int32'), 3);
    expect(Array.from(y1.dataSync())).toEqual([2, 0, 8]);
    expect(y1.dtype).toBe('int32');
    // ids outside [0, numSegments) are dropped, as in TensorFlow
    const y2 = tf.unsortedSegmentSum(tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]), tf.tensor1d([1, -1, 5], 'int32'), 2);
    expect(Array.from(y2.dataSync())).toEqual([0, 0, 1, 2]);
    tf.dispose([y, y1, y2]);
  });

  it('gather gradient (axis 0 and 1) equals a plain scatter-add loop', () => {
    const rng = new Rng(2);
    const R = 40, C = 6, M = 120;
    const table = randn(rng, R * C);
    const idx = new Int32Array(M).map(() => rng.int(R));
    const w0 = randn(rng, M * C);
    const ref0 = new Float32Array(R * C);
    for (let m = 0; m < M; m++) for (let c = 0; c < C; c++) ref0[idx[m]! * C + c] += w0[m * C + c]!;
    const ref1 = new Float32Array(C * R); // gather along axis 1 of a [C, R] table with weights [C, M]
    for (let c = 0; c < C; c++) for (let m = 0; m < M; m++) ref1[c * R + idx[m]!] += w0[c * M + m]!;
    const i = tf.tensor1d(idx, 'int32');
    const g0 = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.gather(x, i, 0), tf.tensor2d(w0, [M, C]))))(tf.tensor2d(table, [R, C]));
    const g1 = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.gather(x, i, 1), tf.tensor2d(w0, [C, M]))))(tf.tensor2d(table, [C, R]));
    expect(maxAbsDiff(g0.dataSync(), ref0)).toBeLessThan(1e-5);
    expect(maxAbsDiff(g1.dataSync(), ref1)).toBeLessThan(1e-5);
    tf.dispose([i, g0, g1]);
  });

  const convCases: Array<[k: number, s: number, pad: 'same' | 'valid', h: number]> = [
    [3, 1, 'same', 7], [3, 2, 'same', 8], [3, 2, 'valid', 9], [1, 1, 'valid', 5], [2, 2, 'valid', 6], [2, 1, 'same', 5],
  ];
  for (const [k, s, pad, h] of convCases) {
    it(`Conv2DBackpropFilter (k=${k}, stride=${s}, ${pad}) equals a naive loop`, () => {
      const rng = new Rng(k * 10 + s);
      const n = 2, w = h + 1, ci = 3, co = 4;
      const xa = randn(rng, n * h * w * ci);
      const Wa = randn(rng, k * k * ci * co);
      const x = tf.tensor4d(xa, [n, h, w, ci]), W = tf.tensor4d(Wa, [k, k, ci, co]);
      const y = tf.conv2d(x, W, s, pad);
      const [, oh, ow] = y.shape;
      const dy = randn(rng, y.size);
      const padTop = pad === 'same' ? Math.floor(Math.max((oh - 1) * s + k - h, 0) / 2) : 0;
      const padLeft = pad === 'same' ? Math.floor(Math.max((ow - 1) * s + k - w, 0) / 2) : 0;
      const ref = naiveConv(xa, [n, h, w, ci], Wa, [k, k, ci, co], s, padTop, padLeft, oh, ow, dy);
      const gW = tf.grad((f: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x, f as tf.Tensor4D, s, pad), tf.tensor(dy, y.shape))))(W);
      expect(maxAbsDiff(gW.dataSync(), ref.dW)).toBeLessThan(1e-4);
      tf.dispose([x, W, y, gW]);
    });
  }

  it('conv2dTranspose filter gradient works and equals the naive loop (Σ G·convT(x, W) = Σ x·conv(G, W))', () => {
    const rng = new Rng(3);
    const xa = randn(rng, 2 * 4 * 4 * 3), Wa = randn(rng, 2 * 2 * 5 * 3), G = randn(rng, 2 * 8 * 8 * 5);
    const g = tf.grad((f: tf.Tensor) => tf.sum(tf.mul(
      tf.conv2dTranspose(tf.tensor4d(xa, [2, 4, 4, 3]), f as tf.Tensor4D, [2, 8, 8, 5], 2, 'valid'), tf.tensor(G, [2, 8, 8, 5]))))(
      tf.tensor4d(Wa, [2, 2, 5, 3]));
    const ref = naiveConv(G, [2, 8, 8, 5], Wa, [2, 2, 5, 3], 2, 0, 0, 4, 4, xa);
    expect(maxAbsDiff(g.dataSync(), ref.dW)).toBeLessThan(1e-4);
    g.dispose();
  });

  it('BatchMatMul with transpose flags equals the cpu reference values (2-D and batched)', () => {
    const rng = new Rng(4);
    const a = randn(rng, 3 * 5 * 4), b = randn(rng, 3 * 4 * 6);
    for (const [ta, tb] of [[true, false], [false, true], [true, true]] as const) {
      const run = () => tf.tidy(() => {
        const A = tf.tensor3d(a, ta ? [3, 4, 5] : [3, 5, 4]);
        const B = tf.tensor3d(b, tb ? [3, 6, 4] : [3, 4, 6]);
        const A2 = tf.tensor2d(a.slice(0, 20), ta ? [4, 5] : [5, 4]);
        const B2 = tf.tensor2d(b.slice(0, 24), tb ? [6, 4] : [4, 6]);
        return [tf.matMul(A, B, ta, tb).dataSync().slice(), tf.matMul(A2, B2, ta, tb).dataSync().slice()];
      });
      const ours = run(), ref = onCpu(run);
      expect(maxAbsDiff(ours[0]!, ref[0]!)).toBeLessThan(1e-5);
      expect(maxAbsDiff(ours[1]!, ref[1]!)).toBeLessThan(1e-5);
    }
  });

  it('comparison ops on the differentiated path get zero gradients, shaped like their inputs', () => {
    const x = tf.tensor2d([[-1, 2], [3, -4]]);
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.where(tf.greater(v, 0), v, tf.mul(v, 0.1))))(x);
    expect(Array.from(g.dataSync())).toEqual([Math.fround(0.1), 1, 1, Math.fround(0.1)]);
    const [ga, gb] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(tf.cast(tf.logicalAnd(tf.less(a, b), tf.notEqual(a, b)), 'float32'), a)))([x, tf.scalar(0)]);
    expect(Array.from(ga!.dataSync())).toEqual([1, 0, 0, 1]);
    expect(gb!.shape).toEqual([]);
    expect(gb!.dataSync()[0]).toBe(0);
  });

  it('training kernels leak no tensors or data buffers', () => {
    const x = tf.randomNormal([2, 6, 6, 3]) as tf.Tensor4D;
    const W = tf.randomNormal([3, 3, 3, 4]) as tf.Tensor4D;
    const t = tf.randomNormal([20, 4]);
    const i = tf.tensor1d([1, 3, 3, 19, 0], 'int32');
    const step = () => tf.tidy(() => {
      const gW = tf.grad((f: tf.Tensor) => tf.sum(tf.conv2d(x, f as tf.Tensor4D, 1, 'same')))(W);
      const gt = tf.grad((v: tf.Tensor) => tf.sum(tf.gather(v, i)))(t);
      const mm = tf.matMul(t, t, true, false);
      return tf.add(tf.sum(gW), tf.add(tf.sum(gt), tf.sum(mm)));
    });
    tf.dispose(step());
    const before = tf.memory() as tf.MemoryInfo & { numDataBuffers: number };
    for (let k = 0; k < 3; k++) tf.dispose(step());
    const after = tf.memory() as tf.MemoryInfo & { numDataBuffers: number };
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numDataBuffers).toBe(before.numDataBuffers);
    expect(after.numBytes).toBe(before.numBytes);
    tf.dispose([x, W, t, i]);
  });
});
