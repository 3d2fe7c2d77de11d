import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { loadCore, type CoreExports } from '../../src/backends/wasm/loader.js';
import { fillGaussian, gaussians, LANES, laneDouble, seedGaussian } from '../../src/random/gaussian.js';
import { nextInt32 } from '../../src/random/xor128.js';
import { hex, instantiateBuild } from '../helpers.js';

/** Φ(x) via the Abramowitz–Stegun 7.1.26 erf approximation (|error| < 1.5e-7, ample for a KS test). */
function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const y = 1 - (((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t) * Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
}

describe('Gaussian sampler (reference)', () => {
  const N = 200_000;
  const z = gaussians(N, seedGaussian('moments'));

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

  it('the values of one lane, and of cos and sin, are uncorrelated at lag 4 (lane structure)', () => {
    // Positions 8g+j (cos of lane j) and 8g+4+j (sin of the same draw) share their radius.
    for (const lag of [1, 4, 8]) {
      let c = 0;
      for (let i = 0; i + lag < N; i++) c += z[i] * z[i + lag];
      expect(Math.abs(c / (N - lag))).toBeLessThan(0.012);
    }
  });

  it.each([42, 'flatmin', 0])('lane j of seed %j is seedrandom.xor128(seed + "#" + j) (known answers)', (seed) => {
    const st = seedGaussian(seed);
    for (let j = 0; j < LANES; j++) {
      const oracle = seedrandom.xor128(`${seed}#${j}`);
      for (let i = 0; i < 10_000; i++) {
        const want = oracle.double();
        const got = laneDouble(st, j);
        if (got !== want) expect.fail(`lane ${j} draw ${i}: got ${got}, want ${want}`);
      }
    }
  });

  it('draws whole groups of 8; a partial fill drops the rest, so streams depend only on fill lengths', () => {
    const a = seedGaussian(7);
    const b = seedGaussian(7);
    const part = new Float64Array(5);
    fillGaussian(part, 0, 5, a);
    const whole = gaussians(8, b);
    expect(Array.from(part)).toEqual(Array.from(whole.subarray(0, 5)));
    expect(gaussians(3, a)).toEqual(gaussians(3, b));
  });
});

describe.each([
  ['SIMD', () => loadCore()],
  ['scalar fallback', () => instantiateBuild('scalar')],
])('Wasm fillGaussian (%s) reproduces the reference bit for bit', (_label, load) => {
  async function compare(count: number, state: Int32Array, repeats: number): Promise<void> {
    const core: CoreExports = await load();
    const st = core.alloc(64);
    const out = core.alloc(count * 8);
    try {
      const ref = state.slice();
      new Int32Array(core.memory.buffer, st, 16).set(state);
      for (let rep = 0; rep < repeats; rep++) {
        core.fillGaussian(out, count, st);
        const want = gaussians(count, ref);
        // Compared bit by bit; hex only around a mismatch (hex of 10⁵ doubles ×5 took seconds under load).
        const got = new Float64Array(core.memory.buffer, out, count);
        const bad = firstBitDifference(got, want);
        if (bad >= 0) expect(hex(got.subarray(bad, bad + 4))).toBe(hex(want.subarray(bad, bad + 4)));
        expect(bad).toBe(-1);
      }
      expect(Array.from(new Int32Array(core.memory.buffer, st, 16))).toEqual(Array.from(ref));
    } finally {
      core.free(out);
      core.free(st);
    }
  }

  it.each([1, 2, 7, 8, 9, 100_003])('count %i', (count) => compare(count, seedGaussian(`g${count}`), 5));

  it('a lane that must reject a 0 double redraws in that lane only', async () => {
    // Lane 2 with x = y = w = 0 outputs 0 twice: its first double is 0 and is rejected.
    const st = seedGaussian('reject');
    for (const w of [0, 1, 3]) st[w * LANES + 2] = 0;
    st[2 * LANES + 2] = 12345;
    const probe = st.slice();
    laneDouble(probe, 2);
    // Four int32 draws, not two: after two the lane would be (12345, 0, 0, 0), after four z ≠ 0.
    expect(probe[2 * LANES + 2]).not.toBe(0);
    await compare(24, st, 3);
  });

  it('a zero in the u2 draw is redrawn in its lane too', async () => {
    // xor128's output is w' = g(w) ^ h(x) with g(w) = w ^ (w >>> 19), h(x) = t ^ (t >>> 8), t = x ^ (x << 11);
    // h is invertible. From (x, y, z, w) = (1, 0, z, 0) the outputs are h(1), g(h(1)), g(out2) ^ h(z), h(0):
    // choosing z = h⁻¹(g(out2)) makes outputs 3 and 4 zero, so u1 is fine and u2 is the rejected 0.
    const h = (x: number) => { const t = x ^ (x << 11); return t ^ (t >>> 8); };
    const hInv = (v: number) => { const t = v ^ (v >>> 8) ^ (v >>> 16) ^ (v >>> 24); return t ^ (t << 11) ^ (t << 22); };
    const g = (w: number) => w ^ (w >>> 19);
    const out2 = g(h(1));
    const lane = Int32Array.of(1, 0, hInv(g(out2)), 0);
    const outputs = [0, 1, 2, 3].map(() => nextInt32(lane));
    expect(outputs[0]).not.toBe(0); // u1 is a proper double …
    expect(outputs.slice(2)).toEqual([0, 0]); // … and u2's two words are zero: rejected
    const st = seedGaussian('reject-u2');
    [1, 0, hInv(g(out2)), 0].forEach((v, w) => (st[w * LANES + 1] = v | 0));
    await compare(16, st, 2);
  });
});

/** Index of the first element whose bits differ (NaN payloads and −0 included), or −1. */
function firstBitDifference(a: Float64Array, b: Float64Array): number {
  const x = new BigInt64Array(a.buffer, a.byteOffset, a.length);
  const y = new BigInt64Array(b.buffer, b.byteOffset, b.length);
  if (x.length !== y.length) return Math.min(x.length, y.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
  return -1;
}
