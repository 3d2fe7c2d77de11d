/**
 * Factored targets through the whole API (config → model → run → result → checkpoint): validation
 * errors name the field; a factored run agrees with the dense run of the same M to rounding (the
 * step sums in another order); prediction and distances from the factors match the dense ones;
 * a checkpoint resumes to the bits of the uninterrupted run; existing dense configs are untouched.
 */
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/validate.js';
import { FlatminError } from '../../src/errors.js';
import { Run, run as runAny, type Checkpoint, type FactorizationResult } from '../../src/run.js';
import { predictFactorization, factorizationDistances } from '../../src/theory/factorization.js';
import { fromRows } from '../../src/linalg/matrix.js';
import { expectError, lcg } from '../helpers.js';

/** run() of a two-factor config, typed as its result. */
const run = (cfg: unknown, o: Parameters<typeof runAny>[1]) => runAny(cfg, o) as Promise<FactorizationResult>;

const rnd = lcg(11);
const [n, m, k] = [8, 6, 2];
const A = Array.from({ length: n }, () => Array.from({ length: k }, rnd));
const B = Array.from({ length: m }, () => Array.from({ length: k }, rnd));
const M = A.map((a) => B.map((b) => a.reduce((s, v, c) => s + v * b[c], 0)));

const base = (target: unknown, extra: Record<string, unknown> = {}) => ({
  problem: { target, rank: 3, ...extra },
  optimizer: [{ steps: 30, lr: 0.1, noise: { kind: 'perturbed', sigma: 0.01 } }, { steps: 20, lr: 0.05, noise: { kind: 'sam', rho: 0.05 } }],
  seed: 4,
  recordEvery: 10,
});

describe('factored target config', () => {
  it('keeps the factors in the normalized config; random targets stay dense unless factored: true', () => {
    const c = validateConfig(base({ factors: { A, B } })) as { problem: { target: unknown } };
    expect(c.problem.target).toEqual({ factors: { A, B } });
    const r = validateConfig(base({ random: { n: 5, m: 4, singularValues: [1], seed: 'x' } })) as { problem: { target: { random: object } } };
    expect(r.problem.target.random).not.toHaveProperty('factored');
    const f = validateConfig(base({ random: { n: 5, m: 4, singularValues: [1], seed: 'x', factored: true } })) as { problem: { target: { random: object } } };
    expect(f.problem.target.random).toHaveProperty('factored', true);
  });

  it('rejects bad factors and what a factored target cannot do, naming the field', () => {
    expectError(base({ factors: { A, B: B.map((row) => [...row, 1]) } }), 'problem.target.factors.B', /m×k, k = A's 2 columns/);
    expectError(base({ factors: { A: A.map((row, i) => (i === 2 ? [row[0], NaN] : row)), B } }), 'problem.target.factors.A[2][1]', /finite/);
    expectError(base({ factors: { A } }), 'problem.target.factors.B', /B/);
    expectError(base({ factors: { A: [[1, 2, 3]], B: [[1, 2, 3]] } }), 'problem.target.factors.A', /k ≤ min\(n, m\)/);
    expectError(base({ factors: { A, B }, extra: 1 }), 'problem.target.extra', /unknown key/);
    expectError(base({ factors: { A, B } }, { loss: { kind: 'sensing', measurements: 4 } }), 'problem.loss.kind', /full or completion loss, got "sensing"/);
    expectError(base({ random: { n: 5, m: 4, singularValues: [1], seed: 'x', factored: 'yes' } }), 'problem.target.random.factored', /true or false/);
    expectError({ ...base({ factors: { A, B } }), optimizer: { steps: 5, lr: 0.1, noise: { kind: 'label', sigma: 0.1 } } }, 'optimizer.noise.kind', /label noise/);
    expectError({ ...base({ factors: { A, B } }), diagnostics: { curvature: { top: 2 } } }, 'diagnostics.curvature', /not available for a factored target/);
    expect(() => validateConfig({ ...base({ factors: { A, B } }), diagnostics: { trajectory: true } })).not.toThrow();
    // 10⁵ × 10⁵ dense does not fit; factored it does (the check counts (n + m)·k entries).
    expectError(base({ random: { n: 100_000, m: 100_000, singularValues: [1], seed: 'x' } }), 'problem.target.random', /fit in memory.*"factored": true/);
    expect(() => validateConfig(base({ random: { n: 100_000, m: 100_000, singularValues: [1], seed: 'x', factored: true } }))).not.toThrow();
  });

  it('rejects factors with dependent columns when the run is built (the prediction needs their SVD)', async () => {
    const dep = A.map((row) => [row[0], 2 * row[0]]);
    await expect(Run.create(base({ factors: { A: dep, B } }), { backend: 'reference' })).rejects.toMatchObject({ path: 'problem.target.factors.A' });
  });
});

describe('factored target runs', () => {
  it('agree with the dense run of M = A Bᵀ to rounding: history, result, prediction and distances', async () => {
    const f = await run(base({ factors: { A, B } }, { lambda: 0.001 }), { backend: 'wasm' });
    const d = await run(base(M, { lambda: 0.001 }), { backend: 'wasm' });
    expect(f.history.length).toBe(d.history.length);
    // 50 steps on O(1) entries: the two arithmetic orders drift apart by a few ulps per step.
    f.history.forEach((h, i) => expect(Math.abs(h.loss - d.history[i].loss)).toBeLessThan(1e-12));
    f.final.X.flat().forEach((v, e) => expect(Math.abs(v - d.final.X.flat()[e])).toBeLessThan(1e-12));
    for (const key of ['c', 'normX2', 'normY2', 'nuclearNorm', 'rankM'] as const) expect(f.prediction[key]).toBeCloseTo(d.prediction[key], 12);
    for (const key of Object.keys(d.distances) as Array<keyof typeof d.distances>) expect(f.distances[key]).toBeCloseTo(d.distances[key], 10);
  });

  it('a random factored target matches its dense twin (same U, Σ, V) to rounding', async () => {
    const target = { random: { n: 12, m: 9, singularValues: [3, 1, 2], seed: 'tw' } };
    const f = await run(base({ random: { ...target.random, factored: true } }), { backend: 'reference' });
    const d = await run(base(target), { backend: 'reference' });
    f.history.forEach((h, i) => expect(Math.abs(h.loss - d.history[i].loss)).toBeLessThan(1e-11));
    expect(f.distances.residual).toBeCloseTo(d.distances.residual, 10);
    expect(f.prediction.nuclearNorm).toBe(d.prediction.nuclearNorm);
  });

  it('prediction and distances from the factors equal the dense ones (theory API)', () => {
    const factors = { A: fromRows(A), B: fromRows(B) };
    const pf = predictFactorization(factors, 3, 0.02, 0.01);
    const pd = predictFactorization(M, 3, 0.02, 0.01);
    pf.singularValues.forEach((s, i) => expect(s).toBeCloseTo(pd.singularValues[i], 13));
    const X = fromRows(Array.from({ length: n }, () => [rnd(), rnd(), rnd()]));
    const Y = fromRows(Array.from({ length: m }, () => [rnd(), rnd(), rnd()]));
    const df = factorizationDistances(X, Y, factors, pf);
    const dd = factorizationDistances(X, Y, M, pd);
    for (const key of Object.keys(dd) as Array<keyof typeof dd>) expect(df[key]).toBeCloseTo(dd[key], 11);
  });

  it('a checkpoint resumes to the bits of the uninterrupted run (f64 and f32, anticorrelated noise)', async () => {
    for (const precision of ['f64', 'f32'] as const) {
      const cfg = { ...base({ factors: { A, B } }), precision, optimizer: [{ steps: 40, lr: 0.1, noise: { kind: 'anticorrelated', sigma: 0.02 } }] };
      const whole = await run(cfg, { backend: 'wasm' });
      const r = await Run.create(cfg, { backend: 'wasm' });
      r.advance(17);
      const ck = JSON.parse(JSON.stringify(r.checkpoint())) as Checkpoint;
      r.dispose();
      const resumed = await Run.resume(ck, { backend: 'reference' });
      resumed.advance();
      const res = resumed.result() as FactorizationResult;
      expect(res.final).toEqual(whole.final);
      expect(res.history).toEqual(whole.history);
    }
  });

  it('a result has X and Y but no n×m matrix; diagnostics.trajectory keeps θ', async () => {
    const t = await run({ ...base({ factors: { A, B } }), diagnostics: { trajectory: true } }, { backend: 'reference' });
    expect(t.history.every((h) => h.theta?.length === (n + m) * 3)).toBe(true);
    const r = await run(base({ factors: { A, B } }), { backend: 'reference' });
    const sizes = JSON.stringify(r).length;
    expect(r.final.X.length).toBe(n);
    expect(Object.keys(r)).not.toContain('M');
    expect(sizes).toBeLessThan(20_000);
  });
});

describe('factored target landscape', () => {
  it('the surface (flatmin landscape) evaluates the objective from the factors, as the dense one does', async () => {
    const { factorizationModel } = await import('../../src/models/factorization.js');
    const f = factorizationModel(validateConfig(base({ factors: { A, B } }, { lambda: 0.01 })) as never);
    const d = factorizationModel(validateConfig(base(M, { lambda: 0.01 })) as never);
    const theta = f.sessionInput.theta;
    expect(f.surface.loss(theta)).toBeCloseTo(d.surface.loss(theta), 12);
    expect(() => f.objective).toThrow(/not available for a factored target/);
  });
});
