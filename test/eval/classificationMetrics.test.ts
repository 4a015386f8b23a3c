/** Long-tailed classification metrics on a hand-made confusion (every figure computed by hand below). */
import { describe, expect, it } from 'vitest';
import { classificationMetrics, shotGroup } from '../../src/eval/classificationMetrics.js';
import { renderClassificationReport } from '../../src/report/classificationReport.js';
import { BalmsInputError } from '../../src/util/errors.js';

// 4 classes with 500 (many), 101 (many), 100 (medium, tail), 19 (few, tail) training images.
// confusion (rows true, cols predicted):
//   c0: [3, 1, 0, 0]  acc 3/4
//   c1: [0, 2, 0, 0]  acc 1
//   c2: [1, 1, 1, 1]  acc 1/4
//   c3: [2, 0, 0, 0]  acc 0
const truth = [0, 0, 0, 0, 1, 1, 2, 2, 2, 2, 3, 3];
const pred = [0, 0, 0, 1, 1, 1, 0, 1, 2, 3, 0, 0];
const names = ['a', 'b', 'c', 'd'];
const counts = [500, 101, 100, 19];

describe('classificationMetrics', () => {
  it('top-1, shot groups, tail, per-class accuracy and confusion of a hand-made case', () => {
    const m = classificationMetrics(truth, pred, names, counts);
    expect(m.top1).toBeCloseTo(6 / 12, 12);
    expect(m.many).toBeCloseTo((3 / 4 + 1) / 2, 12);
    expect(m.medium).toBeCloseTo(1 / 4, 12);
    expect(m.few).toBe(0);
    expect(m.tail).toBeCloseTo((1 / 4 + 0) / 2, 12);
    expect(m.perClass.map((p) => p.accuracy)).toEqual([0.75, 1, 0.25, 0]);
    expect(m.perClass.map((p) => p.count)).toEqual([4, 2, 4, 2]);
    expect(m.confusion).toEqual([[3, 1, 0, 0], [0, 2, 0, 0], [1, 1, 1, 1], [2, 0, 0, 0]]);
  });

  it('the group boundaries: > 100 many, 20–100 medium, < 20 few; an empty group is null', () => {
    expect([101, 100, 20, 19].map(shotGroup)).toEqual(['many', 'medium', 'medium', 'few']);
    const m = classificationMetrics([0, 1], [0, 0], ['a', 'b'], [5000, 50]);
    expect(m.few).toBeNull();
    expect(m.tail).toBe(0);
  });

  it('rejects out-of-range classes and mismatched lengths', () => {
    expect(() => classificationMetrics([0, 4], [0, 0], names, counts)).toThrow(BalmsInputError);
    expect(() => classificationMetrics([0], [0, 0], names, counts)).toThrow(BalmsInputError);
  });

  it('the report holds the confusion matrix and the accuracy-against-count chart', () => {
    const html = renderClassificationReport(classificationMetrics(truth, pred, names, counts), { title: 't', split: 'test' });
    expect(html).toContain('Confusion matrix');
    expect(html).toContain('<svg');
    expect((html.match(/<td /g) ?? []).length).toBe(16);
  });
});
