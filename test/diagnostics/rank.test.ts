import { describe, expect, it } from 'vitest';
import { effectiveRankOf } from '../../src/diagnostics/rank.js';

describe('effectiveRankOf (Roy–Vetterli)', () => {
  it('is k for k equal singular values, between 1 and k otherwise, 0 for the zero matrix', () => {
    expect(effectiveRankOf(Float64Array.of(3, 3, 3, 0))).toBeCloseTo(3, 14);
    expect(effectiveRankOf(Float64Array.of(5))).toBe(1);
    expect(effectiveRankOf(Float64Array.of(0, 0))).toBe(0);
    // s = (2, 1): p = (2/3, 1/3), exp(−Σ p log p) = 3 / 2^(2/3)
    expect(effectiveRankOf(Float64Array.of(2, 1))).toBeCloseTo(3 / 2 ** (2 / 3), 14);
    const r = effectiveRankOf(Float64Array.of(10, 1, 0.1));
    expect(r).toBeGreaterThan(1);
    expect(r).toBeLessThan(2);
  });
});
