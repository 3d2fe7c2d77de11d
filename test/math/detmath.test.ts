import { describe, expect, it } from 'vitest';
import { cos2pi, exp, kernelCos, kernelSin, log, pow2, sin2pi } from '../../src/math/detmath.js';
import { hex, lcg } from '../helpers.js';

/** Distance in units in the last place between two doubles of the same sign. */
function ulps(a: number, b: number): number {
  const buf = new Float64Array([a, b]);
  const i = new BigInt64Array(buf.buffer);
  const d = i[0] - i[1];
  return Number(d < 0n ? -d : d);
}

describe('deterministic elementary functions', () => {
  const rnd = lcg(99);

  it('log is within 1 ulp of Math.log over (0, 1] and beyond', () => {
    const xs = [2 ** -53, 1e-300, 1e-10, 0.1, 0.5, 0.999999, 1, 1.5, 2, 10, 1e300];
    for (let i = 0; i < 20_000; i++) xs.push(rnd() + 0.5 + 1e-12, 2 ** (60 * rnd()) * (rnd() + 0.5));
    for (const x of xs) expect(ulps(log(x), Math.log(x)), `log(${x})`).toBeLessThanOrEqual(1);
    expect(log(1)).toBe(0);
  });

  it('sin(2πu), cos(2πu) are accurate to 3e-16 absolute over [0, 1)', () => {
    const us = [0, 0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875, 1 - 2 ** -53];
    for (let i = 0; i < 20_000; i++) us.push(rnd() + 0.5);
    for (const u of us) {
      // Reference in extended care: Math.sin of the exactly-reduced angle is within 1 ulp there.
      expect(Math.abs(sin2pi(u) - Math.sin(2 * Math.PI * u)), `sin2pi(${u})`).toBeLessThan(3e-16 * (1 + 8 * u));
      expect(Math.abs(cos2pi(u) - Math.cos(2 * Math.PI * u)), `cos2pi(${u})`).toBeLessThan(3e-16 * (1 + 8 * u));
    }
    expect(sin2pi(0)).toBe(0);
    expect(cos2pi(0)).toBe(1);
    expect(sin2pi(0.25)).toBe(1);
    expect(cos2pi(0.5)).toBe(-1);
  });

  it('the polynomial kernels are within 1 ulp on [−π/4, π/4]', () => {
    for (let i = 0; i < 20_000; i++) {
      const x = (rnd() * Math.PI) / 2;
      if (x === 0) continue;
      expect(ulps(kernelSin(x), Math.sin(x)), `sin(${x})`).toBeLessThanOrEqual(1);
      expect(ulps(kernelCos(x), Math.cos(x)), `cos(${x})`).toBeLessThanOrEqual(1);
    }
  });

  it('exp is within 1 ulp of Math.exp; pow2 is exact', () => {
    for (let i = 0; i < 20_000; i++) {
      const x = 1400 * rnd();
      expect(ulps(exp(x), Math.exp(x)), `exp(${x})`).toBeLessThanOrEqual(1);
    }
    expect(exp(0)).toBe(1);
    for (let k = -1000; k <= 1000; k += 37) expect(pow2(k)).toBe(2 ** k);
  });

  it('fixed known answers (the same bits in every engine)', () => {
    // Hex of the f64 results, frozen: a change in operation order shows up here.
    const hexOf = (v: number) => hex(Float64Array.of(v));
    expect([log(0.3), sin2pi(0.1), cos2pi(0.7), exp(-2.5)].map(hexOf)).toMatchInlineSnapshot(`
      [
        "21a7bdfc7843f3bf",
        "5e5a750423cfe23f",
        "54e92f37efc6d3bf",
        "25f494c08503b53f",
      ]
    `);
  });
});
