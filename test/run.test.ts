import { describe, expect, it } from 'vitest';
import { liu2021Configs, liu2021Inits, liu2021Problem, perturbedOptimizer } from '../src/experiments/liu2021.js';
import { FlatminError } from '../src/errors.js';
import { Run, run as runAny, type FactorizationResult, type RunOptions } from '../src/run.js';

// Two-factor runs: the result and the Run typed as such (configs here are loose objects).
const run = (c: unknown, o?: RunOptions) => runAny(c, o) as Promise<FactorizationResult>;
const FactorizationRun = { create: (c: unknown, o?: RunOptions) => Run.create(c, o) as Promise<Run<FactorizationResult>> };
type RunResult = FactorizationResult;

/** THEORY.md §1 tolerances for perturbed GD with the recommended schedule. */
function expectFlatOptimum(r: RunResult, dTol = 1e-2) {
  expect(r.distances.dX).toBeLessThanOrEqual(dTol);
  expect(r.distances.dY).toBeLessThanOrEqual(dTol);
  expect(Math.abs(r.distances.ratioError)).toBeLessThanOrEqual(1.5e-2);
  expect(r.distances.residual).toBeLessThanOrEqual(1e-8);
}

const target = (n: number, m: number, singularValues: number[], seed: string | number = 'shape') => ({
  kind: 'factorization' as const, target: { random: { n, m, singularValues, seed } },
});

describe('the main job (THEORY.md §1), wasm backend', () => {
  // Runs here use the wasm backend only: the reference gives the same bits (test/backends) at
  // ~3× the time, so repeating 70 000-step runs on it would prove nothing new.
  const gdJobs = [1, 'b'].flatMap((seed) =>
    liu2021Configs(seed).filter((j) => j.method === 'GD').map((j) => [j.init, seed, j.config] as const));

  it.each(gdJobs)('plain GD from %s (seed %j) ends where its init points', async (init, _seed, config) => {
    const r = await run(config);
    const last = r.history[r.history.length - 1];
    const ratio = last.normX2 / last.normY2;
    if (init.startsWith('X×5')) expect(r.distances.dX).toBeGreaterThanOrEqual(10);
    if (init.startsWith('X×⅕')) expect(r.distances.dY).toBeGreaterThanOrEqual(10);
    if (init.startsWith('small')) {
      expect(ratio).toBeCloseTo(1, 2); // balanced, not c² = 1.5
      expect(r.distances.dX).toBeGreaterThan(0.15);
      expect(r.distances.dX).toBeLessThan(0.22);
    }
    if (init === 'wrong minimum') {
      const first = r.history[0];
      expect(Math.abs(ratio / (first.normX2 / first.normY2) - 1)).toBeLessThan(1e-9); // it does not move
      expect(r.distances.dX).toBeGreaterThanOrEqual(0.5);
    }
    expect(r.distances.residual).toBeLessThan(1e-3);
  });

  it.each([1, 'two', 3])('perturbed GD from every init lands on the flat optimum (seed %j)', async (seed) => {
    for (const { init } of liu2021Inits()) {
      const r = await run({ problem: liu2021Problem, init, optimizer: perturbedOptimizer, seed, recordEvery: 1000 });
      expectFlatOptimum(r);
    }
  });
});

describe('f32 precision', () => {
  it.each(['X×5, Y×⅕ (imbalanced)', 'wrong minimum'])('perturbed GD in f32 from %s lands on the flat optimum too', async (name) => {
    const { init } = liu2021Inits().find((i) => i.name.startsWith(name.split(' (')[0]))!;
    const r = await run({ problem: liu2021Problem, init, optimizer: perturbedOptimizer, seed: 4, precision: 'f32', recordEvery: 1000 });
    expect(r.distances.dX).toBeLessThanOrEqual(1e-2);
    expect(r.distances.dY).toBeLessThanOrEqual(1e-2);
    expect(Math.abs(r.distances.ratioError)).toBeLessThanOrEqual(1.5e-2);
    // In f32 a GD step smaller than half an ulp of X is lost: with η = 0.0025 the fit stalls where
    // η‖∇f‖ ≈ 2⁻²⁴‖X‖, a relative residual of ~1e-5 (f64 reaches 1e-12).
    expect(r.distances.residual).toBeLessThanOrEqual(5e-5);
  });
});

describe('perturbed GD tracks c² beyond the main job', () => {
  const cases: Array<[string, ReturnType<typeof target>, number, number, number]> = [
    // name, problem target, rank, σX, σY
    ['σX/σY = ½', target(30, 20, [3, 2, 1]), 3, 0.1, 0.2],
    ['σX/σY = 2', target(30, 20, [3, 2, 1]), 3, 0.2, 0.1],
    ['20×30', target(20, 30, [3, 2, 1]), 3, 0.1, 0.1],
    ['25×25', target(25, 25, [3, 2, 1]), 3, 0.1, 0.1],
    ['40×10', target(40, 10, [3, 2, 1]), 3, 0.1, 0.1],
    ['rank-1 target', target(30, 20, [2]), 1, 0.1, 0.1],
    ['r = 5 > rank 3', target(30, 20, [3, 2, 1]), 5, 0.1, 0.1],
  ];
  it.each(cases)('%s', async (_name, problem, rank, sigmaX, sigmaY) => {
    // Keep the geometric mean of σ at the schedule's 0.1 so the time scale 1/(ησ²) is unchanged.
    const g = Math.sqrt(sigmaX * sigmaY) / 0.1;
    const optimizer = perturbedOptimizer.map((p) => ({ ...p, noise: { kind: 'perturbed', sigma: [sigmaX / g, sigmaY / g] } }));
    const r = await run({ problem: { ...problem, rank }, init: { kind: 'gaussian', imbalance: 3 }, optimizer, seed: 5, recordEvery: 1000 });
    // THEORY.md §1: dX ≤ 2e-2 in every case, ≤ 1e-2 where c² ≤ 1.5. The ratio error combines the
    // relative errors of ‖X‖² and ‖Y‖², so it gets twice that.
    const tol = r.prediction.c2 <= 1.5 ? 1e-2 : 2e-2;
    expect(r.distances.dX).toBeLessThanOrEqual(tol);
    expect(r.distances.dY).toBeLessThanOrEqual(tol);
    expect(Math.abs(r.distances.ratioError)).toBeLessThanOrEqual(2 * tol);
    // With r > rank(M) the surplus directions decay only slowly (like 1/t) once the noise is off,
    // so the residual after 10⁴ noiseless steps is ~1e-6 rather than 1e-12.
    expect(r.distances.residual).toBeLessThanOrEqual(rank > problem.target.random.singularValues.length ? 1e-5 : 1e-8);
  });
});

describe('plain GD conserves D = XᵀX − YᵀY up to O(η²)', () => {
  it.each(['wasm', 'reference'] as const)('%s: over a fixed time η·steps the drift of D halves when η halves', async (backend) => {
    const drift = async (lr: number) => {
      // Same time horizon η·steps, so the O(η²)-per-step drift sums to O(η).
      const steps = Math.round(2 / lr);
      const r = await FactorizationRun.create({
        problem: { ...target(12, 8, [2, 1], 'D'), rank: 2 },
        init: { kind: 'gaussian', imbalance: 2 },
        optimizer: { kind: 'gd', lr, steps },
        backend,
      });
      const D = () => {
        const theta = r.theta();
        const [X, Y] = [theta.subarray(0, 12 * 2), theta.subarray(12 * 2)];
        const d = new Float64Array(4);
        for (let a = 0; a < 2; a++)
          for (let b = 0; b < 2; b++) {
            for (let i = 0; i < 12; i++) d[a * 2 + b] += X[i * 2 + a] * X[i * 2 + b];
            for (let j = 0; j < 8; j++) d[a * 2 + b] -= Y[j * 2 + a] * Y[j * 2 + b];
          }
        return d;
      };
      const d0 = D();
      r.advance();
      const d1 = D();
      r.dispose();
      return Math.hypot(...d1.map((v, k) => v - d0[k])) / Math.hypot(...d0);
    };
    const big = await drift(0.02);
    const small = await drift(0.01);
    expect(big).toBeLessThan(0.05);
    // Per-step change O(η²) over 1/η steps: total O(η), so halving η halves the drift.
    expect(small / big).toBeGreaterThan(0.4);
    expect(small / big).toBeLessThan(0.6);
  });
});

describe('reproducibility', () => {
  const base = {
    problem: { ...target(15, 10, [2, 1]), rank: 2 },
    optimizer: { kind: 'perturbed-gd', lr: 0.01, sigmaX: 0.1, sigmaY: 0.1, steps: 2000 },
  };
  it('same seed → same bits, on either backend; another seed → other bits', async () => {
    const a = await run({ ...base, seed: 'same' });
    const b = await run({ ...base, seed: 'same', backend: 'reference' });
    const c = await run({ ...base, seed: 'other' });
    expect(JSON.stringify(a.final)).toBe(JSON.stringify(b.final));
    expect(JSON.stringify(a.history)).toBe(JSON.stringify(b.history));
    expect(JSON.stringify(c.final)).not.toBe(JSON.stringify(a.final));
  });

  it('42 and "42" are the same seed', async () => {
    const a = await run({ ...base, seed: 42 });
    const b = await run({ ...base, seed: '42' });
    expect(JSON.stringify(a.final)).toBe(JSON.stringify(b.final));
  });

  it('checkpoint → JSON → resume reaches the uninterrupted bits, across backends', async () => {
    const cfg = { ...base, seed: 9, optimizer: { ...base.optimizer, steps: undefined, schedule: [{ steps: 700, scale: 1 }, { steps: 900, scale: [1, 0.1] }, { steps: 400, scale: 0 }] }, recordEvery: 100 };
    const whole = await run(cfg);
    const first = await FactorizationRun.create(cfg);
    first.advance(1234); // mid-phase, mid-record-interval
    const saved = JSON.parse(JSON.stringify(first.checkpoint()));
    first.dispose();
    const second = await FactorizationRun.create(cfg, { resume: saved, backend: 'reference' });
    second.advance();
    const resumed = second.result();
    second.dispose();
    expect(JSON.stringify(resumed.final)).toBe(JSON.stringify(whole.final));
    expect(resumed.history).toEqual(whole.history);
  });

  it('f32: same bits on both backends and through a checkpoint; values are f32, and not the f64 run', async () => {
    const cfg = { ...base, seed: 'f32', precision: 'f32', recordEvery: 100 };
    const whole = await run(cfg);
    const ref = await run({ ...cfg, backend: 'reference' });
    expect(JSON.stringify(ref.final)).toBe(JSON.stringify(whole.final));
    const first = await FactorizationRun.create(cfg, { backend: 'reference' });
    first.advance(777);
    const saved = JSON.parse(JSON.stringify(first.checkpoint()));
    first.dispose();
    const second = await FactorizationRun.create(cfg, { resume: saved });
    second.advance();
    expect(JSON.stringify(second.result().final)).toBe(JSON.stringify(whole.final));
    second.dispose();
    const values = [...whole.final.X.flat(), ...whole.final.Y.flat()];
    expect(values.every((v) => Math.fround(v) === v)).toBe(true);
    const f64 = await run({ ...cfg, precision: 'f64' });
    expect(JSON.stringify(f64.final)).not.toBe(JSON.stringify(whole.final));
    expect(Math.abs(f64.distances.residual - whole.distances.residual)).toBeLessThan(1e-3);
  });

  it('a checkpoint from the other precision, or with a bad scale or theta, is refused with a typed error', async () => {
    const r = await FactorizationRun.create({ ...base, seed: 1 });
    r.advance(10);
    const ck = r.checkpoint();
    r.dispose();
    // The checkpoint carries its config: another precision is another config.
    await expect(FactorizationRun.create({ ...base, seed: 1, precision: 'f32' }, { resume: ck })).rejects.toMatchObject({ code: 'TYPE', path: 'resume.config.precision' });
    for (const scale of [null, undefined, -1, Infinity]) {
      await expect(FactorizationRun.create({ ...base, seed: 1 }, { resume: { ...ck, scale: scale as number } })).rejects.toMatchObject({ path: 'resume.scale' });
    }
    await expect(FactorizationRun.create({ ...base, seed: 1 }, { resume: { ...ck, theta: '***' } })).rejects.toMatchObject({ path: 'resume.theta' });
    await expect(FactorizationRun.create({ ...base, seed: 1 }, { resume: { ...ck, format: 'flatmin-checkpoint-1' } as never })).rejects.toThrow(/older flatmin/);
  });

  it('a checkpoint whose noise lane is stuck at zero is refused (it would never produce a draw)', async () => {
    const r = await FactorizationRun.create({ ...base, seed: 1 });
    const ck = r.checkpoint();
    r.dispose();
    for (const w of [0, 1, 2, 3]) ck.rng[w * 4 + 1] = 0;
    await expect(FactorizationRun.create({ ...base, seed: 1 }, { resume: ck })).rejects.toMatchObject({ code: 'TYPE', path: 'resume.rng' });
    ck.rng = ck.rng.slice(0, 4);
    await expect(FactorizationRun.create({ ...base, seed: 1 }, { resume: ck })).rejects.toMatchObject({ code: 'TYPE', path: 'resume.rng' });
  });

  it('a checkpoint from another config is refused with a typed error', async () => {
    const r = await FactorizationRun.create({ ...base, seed: 1 });
    const ck = r.checkpoint();
    r.dispose();
    await expect(FactorizationRun.create({ ...base, problem: { ...base.problem, rank: 1 } }, { resume: ck })).rejects.toMatchObject({ code: 'TYPE', path: 'resume.config.problem' });
    await expect(FactorizationRun.create({ ...base, seed: 2 }, { resume: ck })).rejects.toMatchObject({ code: 'TYPE', path: 'resume.config.seed' });
    // Without the config it carries (a flatmin 0.1 checkpoint), the shape still has to fit.
    const { config: _c, model: _m, ...v2 } = ck;
    await expect(FactorizationRun.create({ ...base, problem: { ...base.problem, rank: 1 } }, { resume: { ...v2, format: 'flatmin-checkpoint-2' } as never })).rejects.toMatchObject({ code: 'TYPE', path: 'resume.theta' });
  });
});

describe('one-sided noise', () => {
  const problem = { ...target(8, 6, [2, 1]), rank: 2 };
  it('perturbed GD with exactly one σ = 0 is a typed error naming that σ', async () => {
    await expect(run({ problem, optimizer: { kind: 'perturbed-gd', lr: 0.01, sigmaX: 0, sigmaY: 0.3, steps: 10 } })).rejects.toMatchObject({ code: 'OUT_OF_RANGE', path: 'optimizer.sigmaX' });
  });
  it('plain GD with one σ = 0 runs and shows the isotropic optimum', async () => {
    const r = await run({ problem, optimizer: { kind: 'gd', lr: 0.01, sigmaX: 0, sigmaY: 0.3, steps: 10 } });
    expect(r.prediction.c2).toBeCloseTo(8 / 6, 12);
  });
});

it('a rank whose buffers cannot fit in Wasm memory is a typed error, not a crash', async () => {
  await expect(run({ problem: { kind: 'factorization', target: [[1]], rank: 17_000 }, optimizer: { kind: 'gd', lr: 0.01, steps: 1 } })).rejects.toMatchObject({ code: 'OUT_OF_RANGE', path: 'problem.rank' });
});

describe('divergence', () => {
  it.each(['wasm', 'reference'] as const)('%s: stops with DIVERGED, the step, a smaller lr, and the last finite state', async (backend) => {
    const cfg = { problem: { ...target(10, 8, [3, 2]), rank: 2 }, optimizer: { kind: 'gd', lr: 2, steps: 5000 }, backend, recordEvery: 1000 };
    const err = await run(cfg).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(FlatminError);
    const e = err as FlatminError;
    expect(e.code).toBe('DIVERGED');
    expect(e.path).toBe('optimizer.lr');
    expect(e.message).toMatch(/step \d+/);
    expect(e.details.suggestedLr).toBe(0.5);
    const partial = e.details.result as RunResult;
    expect(partial.final.X.flat().every(Number.isFinite)).toBe(true);
    expect(partial.steps).toBeLessThan(5000);
    // The engine is still usable afterwards.
    const ok = await run({ ...cfg, optimizer: { kind: 'gd', lr: 0.05, steps: 100 } });
    expect(ok.steps).toBe(100);
  });

  it('a finite but exploding loss also stops the run', async () => {
    // lr large enough to grow without overflowing before the first record point.
    const err = await run({ problem: { ...target(10, 8, [3, 2]), rank: 2 }, optimizer: { kind: 'gd', lr: 0.8, steps: 200 }, recordEvery: 5 }).then(() => undefined, (e: unknown) => e);
    expect(err).toMatchObject({ code: 'DIVERGED', path: 'optimizer.lr' });
    expect((err as Error).message).toMatch(/exploded|non-finite/);
  });

  it('starting exactly at a minimum (loss ≈ 0) is not mistaken for an explosion', async () => {
    const wrong = liu2021Inits()[3].init;
    const r = await run({ problem: liu2021Problem, init: wrong, optimizer: { ...perturbedOptimizer[0], steps: 2000 }, recordEvery: 100 });
    expect(r.history[0].loss).toBeLessThan(1e-20);
    expect(r.steps).toBe(2000);
  });
});
