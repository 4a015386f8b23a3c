import { describe, expect, it } from 'vitest';
import { Matcher } from '../../src/modeling/matcher.js';
import { sampleRois, subsampleLabels } from '../../src/modeling/roiSampler.js';
import { AnchorGenerator, cellAnchors } from '../../src/modeling/anchors.js';
import { Rng } from '../../src/util/rng.js';

describe('Matcher', () => {
  it('labels IoU bands and picks the best GT', () => {
    const m = new Matcher({ thresholds: [0.3, 0.7], labels: [0, -1, 1] });
    // 2 GT x 4 predictions
    const iou = new Float32Array([0.1, 0.5, 0.8, 0.0, 0.2, 0.6, 0.75, 0.3]);
    const r = m.match(iou, 2, 4);
    expect(Array.from(r.matches)).toEqual([1, 1, 0, 1]);
    expect(Array.from(r.labels)).toEqual([0, -1, 1, -1]);
    expect(r.maxIou[2]).toBeCloseTo(0.8);
  });
  it('allow-low-quality promotes every GT’s best predictions, ties included', () => {
    const m = new Matcher({ thresholds: [0.3, 0.7], labels: [0, -1, 1], allowLowQualityMatches: true });
    const iou = new Float32Array([0.4, 0.4, 0.1, 0.0, 0.0, 0.0, 0.2, 0.0]);
    const r = m.match(iou, 2, 4);
    expect(Array.from(r.labels)).toEqual([1, 1, 1, 0]);
    const strict = new Matcher({ thresholds: [0.3, 0.7], labels: [0, -1, 1] }).match(iou, 2, 4);
    expect(Array.from(strict.labels)).toEqual([-1, -1, 0, 0]);
  });
  it('without GT everything is background', () => {
    const r = new Matcher({ thresholds: [0.5], labels: [0, 1] }).match(new Float32Array(0), 0, 3);
    expect(Array.from(r.labels)).toEqual([0, 0, 0]);
  });
});

describe('subsampleLabels', () => {
  it('respects the fraction, is seeded and returns sorted indices', () => {
    const labels = new Int32Array(1000);
    for (let i = 0; i < 1000; i++) labels[i] = i % 10 === 0 ? 3 : i % 7 === 0 ? -1 : 5; // 100 pos, bg=5
    const a = subsampleLabels(labels, 256, 0.25, 5, new Rng(1));
    expect(a.positive.length).toBe(64);
    expect(a.negative.length).toBe(192);
    for (const i of a.positive) expect(labels[i]).toBe(3);
    for (const i of a.negative) expect(labels[i]).toBe(5);
    expect(Array.from(a.positive)).toEqual(Array.from(a.positive).sort((x, y) => x - y));
    const b = subsampleLabels(labels, 256, 0.25, 5, new Rng(1));
    expect(Array.from(b.negative)).toEqual(Array.from(a.negative));
    const c = subsampleLabels(labels, 256, 0.25, 5, new Rng(2));
    expect(Array.from(c.negative)).not.toEqual(Array.from(a.negative));
  });
  it('fills with negatives when positives are scarce', () => {
    const labels = new Int32Array([1, 0, 0, 0, 0, 0, -1]);
    const r = subsampleLabels(labels, 4, 0.5, 0, new Rng(0));
    expect(r.positive.length).toBe(1);
    expect(r.negative.length).toBe(3);
  });
});

describe('sampleRois', () => {
  const gt = new Float32Array([10, 10, 30, 30, 40, 40, 60, 70]);
  const cls = new Int32Array([2, 0]);
  it('adds GT boxes as proposals, labels classes, foreground first', () => {
    const proposals = new Float32Array([10, 10, 30, 31, 0, 0, 5, 5, 41, 40, 60, 70, 100, 100, 120, 120]);
    const s = sampleRois(proposals, gt, cls, 3, { batchSizePerImage: 512, positiveFraction: 0.25, iouThreshold: 0.5, addGtAsProposals: true }, new Rng(0));
    // 6 candidates: 4 proposals (2 fg) + 2 GT; fg cap 128 → all 4 fg, 2 bg
    expect(s.numFg).toBe(4);
    expect(s.classes.length).toBe(6);
    expect(Array.from(s.classes.slice(0, 4))).toEqual([2, 0, 2, 0]);
    expect(Array.from(s.classes.slice(4))).toEqual([3, 3]);
    expect(Array.from(s.boxes.slice(8, 12))).toEqual([10, 10, 30, 30]); // the GT itself
    expect(Array.from(s.gtIndex.slice(0, 4))).toEqual([0, 1, 0, 1]);
  });
  it('caps foreground at the fraction of the batch', () => {
    const rng = new Rng(5);
    const n = 2000;
    const p = new Float32Array(n * 4);
    for (let i = 0; i < n; i++) {
      const fg = i % 2 === 0;
      const j = rng.uniform(-1, 1);
      p.set(fg ? [10 + j, 10, 30, 30 + j] : [200 + j, 200, 260, 260], 4 * i);
    }
    const s = sampleRois(p, gt, cls, 3, { batchSizePerImage: 512, positiveFraction: 0.25, iouThreshold: 0.5, addGtAsProposals: true }, rng);
    expect(s.numFg).toBe(128);
    expect(s.classes.length).toBe(512);
    expect(s.classes.filter((c) => c === 3).length).toBe(384);
  });
  it('without GT all proposals are background', () => {
    const s = sampleRois(new Float32Array([0, 0, 4, 4]), new Float32Array(0), new Int32Array(0), 3, { batchSizePerImage: 8, positiveFraction: 0.25, iouThreshold: 0.5, addGtAsProposals: true }, new Rng(0));
    expect(s.numFg).toBe(0);
    expect(Array.from(s.classes)).toEqual([3]);
  });
});

describe('anchors', () => {
  it('cell anchors follow detectron2 (size outer, ratio = h/w, area size²)', () => {
    const c = cellAnchors([32], [0.5, 1, 2]);
    const w0 = c[2]! - c[0]!, h0 = c[3]! - c[1]!;
    expect(w0 * h0).toBeCloseTo(1024, 3);
    expect(h0 / w0).toBeCloseTo(0.5, 6);
    expect(Array.from(c.slice(4, 8))).toEqual([-16, -16, 16, 16]);
  });
  it('grid order is (y, x, a) with stride shifts', () => {
    const g = new AnchorGenerator([[8, 16]], [1], [4]);
    const a = g.level(0, 2, 3);
    expect(a.length).toBe(2 * 3 * 2 * 4);
    // location (y=1, x=2), anchor 1 (size 16): centre (8, 4)
    const k = ((1 * 3 + 2) * 2 + 1) * 4;
    expect(Array.from(a.slice(k, k + 4))).toEqual([0, -4, 16, 12]);
  });
});
