import { describe, expect, it } from 'vitest';
import {
  ClassAwareSampler,
  classBalancedSampler,
  InstanceBalancedSampler,
  squareRootSampler,
  type IndexSampler,
} from '../../src/sampling/index.js';

// Long-tailed labels: class c has COUNTS[c] items.
const COUNTS = [1000, 100, 10, 1];
const LABELS = COUNTS.flatMap((n, c) => new Array<number>(n).fill(c));

function classFreq(labels: number[], idx: Int32Array, C: number): number[] {
  const h = new Array<number>(C).fill(0);
  for (const i of idx) h[labels[i]!]! += 1 / idx.length;
  return h;
}

describe('InstanceBalancedSampler', () => {
  it('each epoch is a permutation of all items, different across epochs', () => {
    const s = new InstanceBalancedSampler(50, { seed: 2 });
    const e1 = s.nextEpoch(), e2 = s.nextEpoch();
    expect([...e1].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect([...e2].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(Array.from(e1)).not.toEqual(Array.from(e2));
    expect(s.epoch).toBe(2);
  });

  it('take() crosses epoch boundaries seamlessly', () => {
    const a = new InstanceBalancedSampler(7, { seed: 4 });
    const b = new InstanceBalancedSampler(7, { seed: 4 });
    const whole = [...a.nextEpoch(), ...a.nextEpoch(), ...a.nextEpoch()];
    expect([...b.take(5), ...b.take(9), ...b.take(7)]).toEqual(whole);
  });
});

describe('ClassAwareSampler', () => {
  it('class-balanced: every class drawn with frequency 1/C, items uniform within a class', () => {
    const s = classBalancedSampler(LABELS, { seed: 1 });
    const idx = s.take(40000);
    for (const f of classFreq(LABELS, idx, 4)) expect(Math.abs(f - 0.25)).toBeLessThan(0.01);
    // within class 1 (items 1000..1099) every item should appear about 100 times
    const hits = new Array<number>(100).fill(0);
    for (const i of idx) if (i >= 1000 && i < 1100) hits[i - 1000]!++;
    expect(Math.min(...hits)).toBeGreaterThan(60);
    expect(Math.max(...hits)).toBeLessThan(150);
  });

  it('square-root: class frequency ∝ √n_c', () => {
    const s = squareRootSampler(LABELS, { seed: 2 });
    const z = COUNTS.reduce((a, n) => a + Math.sqrt(n), 0);
    const f = classFreq(LABELS, s.take(40000), 4);
    COUNTS.forEach((n, c) => expect(Math.abs(f[c]! - Math.sqrt(n) / z)).toBeLessThan(0.01));
  });

  it('power 1 on labels is instance-balanced (with replacement)', () => {
    const s = ClassAwareSampler.withPower(LABELS, { power: 1, seed: 3 });
    const p = s.itemProbabilities();
    for (const v of p) expect(v).toBeCloseTo(1 / LABELS.length, 12);
  });

  it('over images: a class is reached through any image containing it; empty images never drawn', () => {
    const images = [[0], [0, 1], [1], [], [2]];
    const s = classBalancedSampler(images, { seed: 4 });
    // class 0: images 0,1 (1/6 each); class 1: images 1,2; class 2: image 4 (1/3)
    const p = Array.from(s.itemProbabilities());
    const expected = [1 / 6, 1 / 3, 1 / 6, 0, 1 / 3];
    p.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 12));
    const idx = s.take(30000);
    const h = new Array<number>(5).fill(0);
    for (const i of idx) h[i]! += 1 / idx.length;
    h.forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThan(0.01));
  });

  it('custom masses apply from the next draw', () => {
    const s = new ClassAwareSampler(LABELS, [1, 1, 1, 1], { seed: 5 });
    s.take(10);
    s.setClassMass([0, 0, 0, 1]);
    expect(Array.from(s.take(5))).toEqual([1110, 1110, 1110, 1110, 1110]);
    expect(() => s.setClassMass([1, 1, 1])).toThrow(/3 class masses for 4/);
    expect(() => s.setClassMass([0, 0, 0, 0])).toThrow(/positive mass/);
  });
});

describe('every sampler: determinism and exact resume', () => {
  const make: Record<string, (seed: number) => IndexSampler> = {
    'instance-balanced': (seed) => new InstanceBalancedSampler(LABELS.length, { seed }),
    'class-balanced': (seed) => classBalancedSampler(LABELS, { seed, epochSize: 100 }),
    'square-root': (seed) => squareRootSampler(LABELS, { seed }),
  };
  for (const [name, mk] of Object.entries(make)) {
    it(name, () => {
      expect(Array.from(mk(7).take(500))).toEqual(Array.from(mk(7).take(500)));
      expect(Array.from(mk(7).take(500))).not.toEqual(Array.from(mk(8).take(500)));
      const a = mk(9);
      a.take(1234);
      const state = JSON.parse(JSON.stringify(a.getState()));
      const expected = [...a.take(777), ...a.nextEpoch(), ...a.take(50)];
      const b = mk(1);
      b.setState(state);
      expect([...b.take(777), ...b.nextEpoch(), ...b.take(50)]).toEqual(expected);
      expect(b.epoch).toBe(a.epoch);
    });
  }

  it('class-aware state carries changed masses (e.g. the Meta Sampler’s)', () => {
    const a = new ClassAwareSampler(LABELS, [1, 1, 1, 1], { seed: 3 });
    a.take(10);
    a.setClassMass([0.1, 2, 0.5, 7]);
    a.take(3);
    const state = JSON.parse(JSON.stringify(a.getState()));
    const expected = a.take(400);
    const b = new ClassAwareSampler(LABELS, [5, 5, 5, 5], { seed: 0 });
    b.setState(state);
    expect(Array.from(b.take(400))).toEqual(Array.from(expected));
    expect(Array.from(b.classMass())).toEqual([0.1, 2, 0.5, 7]);
  });

  it('rejects a state from another sampler kind', () => {
    const a = new InstanceBalancedSampler(5);
    expect(() => a.setState(classBalancedSampler([0, 1]).getState())).toThrow(/class-aware/);
  });
});
