import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { boxAreas, clipBoxesInPlace, nonEmptyBoxes, pairwiseIou } from '../../src/modeling/boxes.js';
import { batchedNms, nms } from '../../src/modeling/nms.js';
import { BoxCoder, DEFAULT_SCALE_CLAMP } from '../../src/modeling/boxCoder.js';
import { Rng } from '../../src/util/rng.js';

describe('pairwiseIou', () => {
  it('matches hand-computed values', () => {
    const a = new Float32Array([0, 0, 10, 10, 5, 5, 15, 15]);
    const b = new Float32Array([0, 0, 10, 10, 5, 0, 15, 10, 20, 20, 30, 30, 0, 0, 0, 5]);
    const iou = pairwiseIou(a, b);
    expect(iou.length).toBe(8);
    // a0 vs b1: overlap 5x10=50, union 100+100-50 = 150
    expect(Array.from(iou.slice(0, 4))).toEqual([1, Math.fround(50 / 150), 0, 0]);
    // a1 vs b0: overlap 25, union 175; a1 vs b1: overlap 10x5=50 → 50/150
    expect(iou[4]).toBeCloseTo(25 / 175, 7);
    expect(iou[5]).toBeCloseTo(50 / 150, 7);
    expect(iou[7]).toBe(0); // degenerate box
  });
  it('areas, clipping and non-empty filtering', () => {
    expect(Array.from(boxAreas([0, 0, 2, 3, 5, 5, 4, 9]))).toEqual([6, 0]);
    const b = clipBoxesInPlace(new Float32Array([-3, -1, 50, 8, 10, 10, 12, 200]), 20, 30);
    expect(Array.from(b)).toEqual([0, 0, 30, 8, 10, 10, 12, 20]);
    expect(Array.from(nonEmptyBoxes([0, 0, 1, 1, 0, 0, 3, 3, 2, 2, 2, 5], 1))).toEqual([1]);
  });
});

describe('BoxCoder', () => {
  it('round-trips random boxes for both weight sets', () => {
    const rng = new Rng(3);
    for (const weights of [[10, 10, 5, 5], [1, 1, 1, 1]] as const) {
      const coder = new BoxCoder(weights);
      const n = 200;
      const src = new Float32Array(n * 4);
      const dst = new Float32Array(n * 4);
      for (let i = 0; i < n; i++) {
        for (const arr of [src, dst]) {
          const x = rng.uniform(0, 500), y = rng.uniform(0, 500);
          arr.set([x, y, x + rng.uniform(4, 300), y + rng.uniform(4, 300)], 4 * i);
        }
      }
      const back = coder.decode(coder.encode(src, dst), src);
      for (let i = 0; i < back.length; i++) expect(Math.abs(back[i]! - dst[i]!)).toBeLessThan(2e-3);
    }
  });
  it('encodes a hand-computed case with weights (10,10,5,5)', () => {
    const coder = new BoxCoder([10, 10, 5, 5]);
    // src centre (5,5) size 10x10, dst centre (7,4) size 20x5
    const d = coder.encode([0, 0, 10, 10], [-3, 1.5, 17, 6.5]);
    expect(d[0]).toBeCloseTo(10 * 0.2, 5);
    expect(d[1]).toBeCloseTo(10 * -0.1, 5);
    expect(d[2]).toBeCloseTo(5 * Math.log(2), 5);
    expect(d[3]).toBeCloseTo(5 * Math.log(0.5), 5);
  });
  it('clamps dw/dh at log(1000/16) when decoding and decodes K boxes per reference', () => {
    const coder = new BoxCoder([1, 1, 1, 1]);
    const out = coder.decode([0, 0, 100, 100, 0, 0, 0, 0], [0, 0, 10, 10]);
    const w = out[2]! - out[0]!;
    expect(w).toBeCloseTo(10 * Math.exp(DEFAULT_SCALE_CLAMP), 2);
    expect(Array.from(out.slice(4))).toEqual([0, 0, 10, 10]);
  });
});

describe('nms', () => {
  const boxes = new Float32Array([
    0, 0, 10, 10, // 0
    1, 0, 11, 10, // 1: IoU with 0 = 90/110 = 0.818
    0, 0, 10, 10, // 2: identical to 0
    20, 20, 30, 30, // 3
    5, 0, 15, 10, // 4: IoU with 0 = 50/150, with 1 = 60/140 = 0.4286
  ]);
  it('greedy suppression with hand-computed IoUs', () => {
    const scores = new Float32Array([0.9, 0.8, 0.3, 0.5, 0.7]);
    expect(Array.from(nms(boxes, scores, 0.5))).toEqual([0, 4, 3]);
    // at 0.4: 4 is suppressed by 0? IoU(0,4)=1/3 < 0.4, kept; 1 suppressed by 0
    expect(Array.from(nms(boxes, scores, 0.4))).toEqual([0, 4, 3]);
    // at 0.3: 4 suppressed by 0 (1/3 > 0.3)
    expect(Array.from(nms(boxes, scores, 0.3))).toEqual([0, 3]);
    expect(Array.from(nms(boxes, scores, 0.5, 2))).toEqual([0, 4]);
  });
  it('is strict (>) at the threshold and breaks score ties by lower index', () => {
    const scores = new Float32Array([0.5, 0.9, 0.5, 0.1, 0.1]);
    // box 2 equals box 0 (IoU 1); tie at 0.5 → index 0 wins
    expect(Array.from(nms(boxes, scores, 0.99))).toEqual([1, 0, 3, 4]);
    const sq = new Float32Array([0, 0, 2, 1, 1, 0, 3, 1]); // IoU exactly 1/3
    expect(Array.from(nms(sq, [1, 0.5], 1 / 3))).toEqual([0, 1]);
    expect(Array.from(nms(sq, [1, 0.5], 0.33))).toEqual([0]);
  });
  it('batchedNms only suppresses within a group', () => {
    const scores = new Float32Array([0.9, 0.8, 0.3, 0.5, 0.7]);
    const groups = new Int32Array([0, 1, 0, 0, 1]);
    // group 0: {0, 2, 3} → 2 suppressed by 0; group 1: {1, 4} IoU 0.43 → both kept at 0.5
    expect(Array.from(batchedNms(boxes, scores, groups, 0.5))).toEqual([0, 1, 4, 3]);
  });
  it('agrees with tf.image.nonMaxSuppression on random boxes', () => {
    const rng = new Rng(8);
    for (const thr of [0.3, 0.5, 0.7]) {
      const n = 300;
      const b = new Float32Array(n * 4);
      const yx = new Float32Array(n * 4);
      const s = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const x = rng.uniform(0, 100), y = rng.uniform(0, 100), w = rng.uniform(5, 40), h = rng.uniform(5, 40);
        b.set([x, y, x + w, y + h], 4 * i);
        yx.set([y, x, y + h, x + w], 4 * i);
        s[i] = rng.next();
      }
      const ref = tf.tidy(() => tf.image.nonMaxSuppression(tf.tensor2d(yx, [n, 4]), tf.tensor1d(s), n, thr).dataSync());
      expect(Array.from(nms(b, s, thr))).toEqual(Array.from(ref));
    }
  });
});
