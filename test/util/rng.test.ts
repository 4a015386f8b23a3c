import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/util/rng.js';

describe('Rng', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = new Rng(42), b = new Rng(42), c = new Rng(43);
    const xa = Array.from({ length: 5 }, () => a.nextUint32());
    const xb = Array.from({ length: 5 }, () => b.nextUint32());
    const xc = Array.from({ length: 5 }, () => c.nextUint32());
    expect(xa).toEqual(xb);
    expect(xa).not.toEqual(xc);
  });

  it('restores its state exactly', () => {
    const a = new Rng(7);
    a.next();
    const s = a.getState();
    const x = [a.next(), a.next()];
    const b = new Rng(s);
    expect([b.next(), b.next()]).toEqual(x);
  });

  it('draws uniform values with the right mean and range', () => {
    const r = new Rng(1);
    let sum = 0, lo = Infinity, hi = -Infinity;
    const counts = new Array(10).fill(0);
    for (let i = 0; i < 100000; i++) {
      const u = r.next();
      lo = Math.min(lo, u);
      hi = Math.max(hi, u);
      sum += u;
      counts[r.int(10)]++;
    }
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThan(1);
    expect(sum / 100000).toBeCloseTo(0.5, 2);
    for (const c of counts) expect(Math.abs(c - 10000)).toBeLessThan(500);
  });

  it('permutation holds every index once', () => {
    const p = new Rng(3).permutation(100);
    expect([...p].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });
});

describe('Rng.fork', () => {
  it('gives independent, valid generators (state words stay uint32)', () => {
    const a = new Rng(5);
    for (let i = 0; i < 200; i++) {
      const f = a.fork();
      expect(f.getState().every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff)).toBe(true);
      expect(() => new Rng(f.getState())).not.toThrow();
    }
  });
});
