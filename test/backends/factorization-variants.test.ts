import { describe, expect, it } from 'vitest';
import type { FactorizationInput, StepParams } from '../../src/backends/types.js';
import type { Precision } from '../../src/config/types.js';
import { langevinSigma } from '../../src/optimizers/noise.js';
import { seedGaussian } from '../../src/random/gaussian.js';
import { allBackends, hex, inBothPrecisions, wasmBuilds } from '../helpers.js';
import { expectWasmMatchesReference, factorizationProblem as problem } from './factorizationHelpers.js';

// The two-factor step's options beyond the full target and perturbed GD: the completion and
// sensing losses, the ridge, anticorrelated and Langevin (update) noise. Same contract as
// factorization.test.ts: the SIMD build, the scalar build and the reference agree bit for bit.

const noisy: StepParams = { lr: 0.01, sigmaX: 0.1, sigmaY: 0.05, scale: 1, scaleMul: 0.9995 };

// Shapes: r = 1, odd r with SIMD tails, r = 4, a wide target, odd n·m (SIMD tails in the n×m kernels).
const CASES: Array<[string, (p: Precision) => FactorizationInput, StepParams]> = [
  ['completion 30×20 r3 perturbed', (p) => problem(30, 20, 3, 'c1', p, 'completion', 'evaluation'), { ...noisy, lr: 0.5 }],
  ['completion 7×5 r1 plain + ridge', (p) => problem(7, 5, 1, 'c2', p, 'completion', 'evaluation', 0.01), { ...noisy, lr: 0.3, sigmaX: 0, sigmaY: 0 }],
  ['sensing 9×7 r2 plain', (p) => problem(9, 7, 2, 's1', p, 'sensing', 'evaluation'), { ...noisy, lr: 0.05, sigmaX: 0, sigmaY: 0 }],
  ['sensing 10×6 r5 anticorrelated + ridge', (p) => problem(10, 6, 5, 's2', p, 'sensing', 'anticorrelated', 0.02), { ...noisy, lr: 0.03 }],
  ['full 25×25 r4 ridge', (p) => problem(25, 25, 4, 'f1', p, 'full', 'evaluation', 0.05), noisy],
  ['full 30×20 r3 anticorrelated', (p) => problem(30, 20, 3, 'f2', p, 'full', 'anticorrelated'), noisy],
  ['full 13×11 r5 Langevin', (p) => problem(13, 11, 5, 'f3', p, 'full', 'update'), { ...noisy, sigmaX: 0.02, sigmaY: 0.02 }],
  ['completion 12×9 r3 Langevin + ridge', (p) => problem(12, 9, 3, 'c3', p, 'completion', 'update', 0.01), { ...noisy, lr: 0.2, sigmaX: 0.01, sigmaY: 0.01 }],
];
const CONFIGS = inBothPrecisions(CASES);

describe.each(wasmBuilds)('%s and reference agree bit for bit', (_label, makeWasm) => {
  it.each(CONFIGS)('%s: 600 steps give identical X, Y, RNG and ξ_{t−1}', (_name, input, params) =>
    expectWasmMatchesReference(makeWasm, input, params, [1, 99, 500]));
});

describe.each(allBackends)('%s backend', (_name, backend) => {
  it('anticorrelated noise resumes to the same bits from (θ, rng, ξ_{t−1})', async () => {
    const input = problem(10, 8, 3, 'anti', 'f64', 'full', 'anticorrelated');
    const s = (await backend()).factorization(input);
    s.run(100, noisy);
    const saved = { theta: s.theta(), rng: s.rng(), prev: s.prevNoise() };
    expect(saved.prev.some((v) => v !== 0)).toBe(true);
    s.run(200, noisy);
    const after = hex(s.theta());
    const t = (await backend()).factorization({ ...input, theta: saved.theta, rng: saved.rng });
    t.setPrevNoise(saved.prev);
    t.run(200, noisy);
    expect(hex(t.theta())).toBe(after);
    // Without ξ_{t−1} the continuation differs: the state really is needed.
    const u = (await backend()).factorization({ ...input, theta: saved.theta, rng: saved.rng });
    u.run(200, noisy);
    expect(hex(u.theta())).not.toBe(after);
    for (const x of [s, t, u]) x.dispose();
  });

  it('Langevin and perturbed GD with σ = 0 are plain GD, bit for bit, and draw nothing', async () => {
    const quiet = { ...noisy, sigmaX: 0, sigmaY: 0 };
    const out: string[] = [];
    for (const noise of ['evaluation', 'anticorrelated', 'update'] as const) {
      const input = problem(9, 6, 2, 'q', 'f64', 'sensing', noise, 0.01);
      const s = (await backend()).factorization(input);
      s.run(300, quiet);
      expect(Array.from(s.rng())).toEqual(Array.from(input.rng));
      out.push(hex(s.theta()));
      s.dispose();
    }
    expect(new Set(out).size).toBe(1);
  });

  it('the ridge shrinks the factors: with λ > 0 the minimizer has smaller ‖X‖² + ‖Y‖²', async () => {
    const norms = [];
    for (const lambda of [0, 0.05]) {
      const s = (await backend()).factorization(problem(8, 6, 2, 'ridge', 'f64', 'completion', 'evaluation', lambda));
      s.run(3000, { ...noisy, lr: 0.3, sigmaX: 0, sigmaY: 0 });
      const { x2, y2 } = s.norms();
      norms.push(x2 + y2);
      s.dispose();
    }
    expect(norms[1]).toBeLessThan(0.9 * norms[0]);
  });

  it('Langevin at a critical point adds N(0, 2ηT) to every entry (σ = √(2ηT) from the config)', async () => {
    const n = 100, m = 100, r = 100, lr = 0.01, temperature = 0.5;
    const sigmaX = langevinSigma(lr, temperature);
    const sigmaY = sigmaX;
    expect(sigmaX).toBe(Math.sqrt(2 * lr * temperature));
    // θ = 0 and M = 0: the gradient vanishes, so one step is the noise alone.
    const s = (await backend()).factorization({
      n, m, r, precision: 'f64', M: new Float64Array(n * m), theta: new Float64Array((n + m) * r), rng: seedGaussian('lv'), noise: 'update',
    });
    s.run(1, { lr, sigmaX, sigmaY, scale: 1, scaleMul: 1 });
    const t = s.theta();
    s.dispose();
    let mean = 0, sq = 0;
    for (const v of t) (mean += v), (sq += v * v);
    mean /= t.length;
    const variance = sq / t.length - mean * mean;
    // 20 000 draws: the sample variance is within ±3% of 2ηT with overwhelming probability.
    expect(Math.abs(variance / (2 * lr * temperature) - 1)).toBeLessThan(0.03);
    expect(Math.abs(mean)).toBeLessThan(4 * Math.sqrt(2 * lr * temperature / t.length));
  });
});
