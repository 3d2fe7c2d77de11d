import { describe, expect, it } from 'vitest';
import { loadCore } from '../../src/backends/wasm/loader.js';
import { fillGaussian, gaussians } from '../../src/random/gaussian.js';
import { seedState } from '../../src/random/xor128.js';
import { hex } from '../helpers.js';

/** Φ(x) via the Abramowitz–Stegun 7.1.26 erf approximation (|error| < 1.5e-7, ample for a KS test). */
function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const y = 1 - (((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t) * Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
}

describe('Gaussian sampler', () => {
  const N = 200_000;
  const z = gaussians(N, seedState('moments'));

  it('has the moments of N(0, 1)', () => {
    let m1 = 0, m2 = 0, m3 = 0, m4 = 0;
    for (const v of z) {
      m1 += v; m2 += v * v; m3 += v * v * v; m4 += v * v * v * v;
    }
    m1 /= N; m2 /= N; m3 /= N; m4 /= N;
    // Standard errors at N = 2e5: mean 2.2e-3, var 3.2e-3, skew 5.5e-3, kurtosis 0.022. Bounds are ~4.5 SE.
    expect(Math.abs(m1)).toBeLessThan(0.01);
    expect(Math.abs(m2 - 1)).toBeLessThan(0.015);
    expect(Math.abs(m3)).toBeLessThan(0.025);
    expect(Math.abs(m4 - 3)).toBeLessThan(0.1);
  });

  it('passes a Kolmogorov–Smirnov test at a fixed seed', () => {
    const s = Float64Array.from(z).sort();
    let d = 0;
    for (let i = 0; i < N; i++) {
      const F = normalCdf(s[i]);
      d = Math.max(d, Math.abs(F - i / N), Math.abs((i + 1) / N - F));
    }
    // Critical value at α = 0.01 is 1.628/√N ≈ 3.6e-3.
    expect(d).toBeLessThan(1.628 / Math.sqrt(N));
  });

  it('draws pairs; an odd fill drops the last sine, so streams depend only on fill lengths', () => {
    const a = seedState(7);
    const b = seedState(7);
    const odd = new Float64Array(3);
    fillGaussian(odd, 0, 3, a);
    const even = gaussians(4, b);
    expect(Array.from(odd)).toEqual(Array.from(even.subarray(0, 3)));
    expect(gaussians(2, a)).toEqual(gaussians(2, b));
  });

  it.each([1, 2, 7, 10_001])('Wasm fillGaussian(%i) reproduces the reference bit for bit', async (count) => {
    const core = await loadCore();
    const st = core.alloc(16);
    const out = core.alloc(count * 8);
    try {
      const ref = seedState(`g${count}`);
      new Int32Array(core.memory.buffer, st, 4).set(ref);
      core.rngLoad(st);
      for (let rep = 0; rep < 5; rep++) {
        core.fillGaussian(out, count);
        const want = gaussians(count, ref);
        expect(hex(new Float64Array(core.memory.buffer, out, count))).toBe(hex(want));
      }
    } finally {
      core.free(out);
      core.free(st);
    }
  });
});
