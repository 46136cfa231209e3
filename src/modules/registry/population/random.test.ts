import { describe, expect, it } from 'vitest';
import { Random, WeightedTable } from './random';

describe('Random', () => {
  it('repeats its sequence for the same seed and differs for another', () => {
    const a = new Random(42);
    const b = new Random(42);
    const c = new Random(43);
    const seqA = Array.from({ length: 20 }, () => a.nextUint32());
    expect(Array.from({ length: 20 }, () => b.nextUint32())).toEqual(seqA);
    expect(Array.from({ length: 20 }, () => c.nextUint32())).not.toEqual(seqA);
  });

  it('keeps ints within bounds and covers them', () => {
    const r = new Random(7);
    const seen = new Set<number>();
    for (let i = 0; i < 5_000; i++) {
      const v = r.int(-3, 3);
      expect(v).toBeGreaterThanOrEqual(-3);
      expect(v).toBeLessThanOrEqual(3);
      seen.add(v);
    }
    expect(seen.size).toBe(7);
  });

  it('draws normals with roughly the requested mean and spread', () => {
    const r = new Random(9);
    const xs = Array.from({ length: 20_000 }, () => r.normal(10, 2));
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
    expect(mean).toBeCloseTo(10, 1);
    expect(sd).toBeGreaterThan(1.9);
    expect(sd).toBeLessThan(2.1);
  });

  it('respects weights', () => {
    const r = new Random(11);
    const table = new WeightedTable([['a', 1], ['b', 3], ['never', 0]] as const);
    let b = 0;
    for (let i = 0; i < 10_000; i++) {
      const v = table.draw(r);
      expect(v).not.toBe('never');
      if (v === 'b') b++;
    }
    expect(b / 10_000).toBeGreaterThan(0.72);
    expect(b / 10_000).toBeLessThan(0.78);
  });
});
