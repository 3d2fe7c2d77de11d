import { describe, expect, it } from 'vitest';
import { getBackend } from '../src/backends/index.js';
import { validateConfig } from '../src/config/validate.js';
import { Run, run as runAny, type FactorizationResult, type RunOptions } from '../src/run.js';
import { seedGaussian } from '../src/random/gaussian.js';

// The flat-minimum seekers through the config and the run layer (bits across backends:
// test/backends/seekers.test.ts).
const run = (c: unknown, o?: RunOptions) => runAny(c, o) as Promise<FactorizationResult>;

const completion = {
  problem: { target: { random: { n: 12, m: 9, singularValues: [2, 1], seed: 'seekers' } }, rank: 3, loss: { kind: 'completion' as const, fraction: 0.6 } },
  init: { kind: 'gaussian' as const, scale: 0.3 },
  recordEvery: 50,
};
const withNoise = (noise: unknown, extra: object = {}) => ({ ...completion, seed: 3, optimizer: [{ steps: 150, lr: 0.05, ...extra, noise }, { steps: 90, lr: 0.02, noise }] });

describe('seekers in the config', () => {
  it.each([
    [{ kind: 'sam', rho: 0 }, 'OUT_OF_RANGE', 'optimizer[1].noise.rho'],
    [{ kind: 'asam', rho: -0.1 }, 'OUT_OF_RANGE', 'optimizer[1].noise.rho'],
    [{ kind: 'sam' }, 'MISSING', 'optimizer[1].noise.rho'],
    [{ kind: 'sam', rho: 0.1, sigma: 0.1 }, 'UNKNOWN_KEY', 'optimizer[1].noise.sigma'],
    [{ kind: 'label', sigma: -1 }, 'OUT_OF_RANGE', 'optimizer[1].noise.sigma'],
    [{ kind: 'label', sigma: [0.1, 0.1] }, 'TYPE', 'optimizer[1].noise.sigma'],
    [{ kind: 'annealed', eta: 0.01, gamma: -1 }, 'OUT_OF_RANGE', 'optimizer[1].noise.gamma'],
    [{ kind: 'annealed', gamma: 0.5 }, 'MISSING', 'optimizer[1].noise.eta'],
    [{ kind: 'perturbed', sigma: 0.1, rho: 1 }, 'UNKNOWN_KEY', 'optimizer[1].noise.rho'],
  ])('%j is a %s at %s', (noise, code, path) => {
    expect(() => validateConfig({ ...completion, optimizer: [{ steps: 5, lr: 0.1 }, { steps: 5, lr: 0.1, noise }] })).toThrow(expect.objectContaining({ code, path }));
  });

  it('normalizes: annealed gets optax γ = 0.55, the others keep what was written', () => {
    const c = validateConfig(withNoise({ kind: 'annealed', eta: 0.01 }));
    expect(c.optimizer[0].noise).toEqual({ kind: 'annealed', eta: 0.01, gamma: 0.55 });
    expect(validateConfig(withNoise({ kind: 'asam', rho: 0.5 })).optimizer[0].noise).toEqual({ kind: 'asam', rho: 0.5 });
    expect(validateConfig(withNoise({ kind: 'label', sigma: 0.2 })).optimizer[0].noise).toEqual({ kind: 'label', sigma: 0.2 });
  });
});

describe('seekers in a run', () => {
  const kinds = [
    ['sam', { kind: 'sam', rho: 0.05 }, {}],
    ['asam', { kind: 'asam', rho: 0.3 }, {}],
    ['label, batch 10', { kind: 'label', sigma: 0.3 }, { batch: 10 }],
    ['label, full batch', { kind: 'label', sigma: 0.3 }, {}],
    ['annealed', { kind: 'annealed', eta: 0.05, gamma: 0.55 }, {}],
  ] as const;

  it.each(kinds)('%s: checkpoint → JSON → resume mid-phase reaches the uninterrupted bits on the other backend; differs from GD', async (_n, noise, extra) => {
    const cfg = withNoise(noise, extra);
    const whole = await run(cfg);
    const first = await Run.create(cfg);
    first.advance(187); // inside the second phase, mid-record-interval: annealed's t restarts at the phase
    const saved = JSON.parse(JSON.stringify(first.checkpoint()));
    first.dispose();
    const second = await Run.create(cfg, { resume: saved, backend: 'reference' });
    second.advance();
    expect(JSON.stringify((second.result() as FactorizationResult).final)).toBe(JSON.stringify(whole.final));
    second.dispose();
    const gd = await run({ ...cfg, optimizer: cfg.optimizer.map(({ noise: _, ...p }) => p) });
    expect(JSON.stringify(gd.final)).not.toBe(JSON.stringify(whole.final));
  });

  it('scale 0 turns every seeker into GD, bit for bit', async () => {
    const gd = await run({ ...completion, seed: 1, optimizer: { steps: 60, lr: 0.05 } });
    for (const [, noise] of kinds) {
      const r = await run({ ...completion, seed: 1, optimizer: { steps: 60, lr: 0.05, noise, scale: 0 } });
      expect(JSON.stringify(r.final)).toBe(JSON.stringify(gd.final));
    }
  });
});

describe('SAM by hand', () => {
  // W = x y (1×1), full target M: f = ½(xy − M)², g = (xy − M)·[y, x]; one step of SAM is
  // θ⁺ = θ − η ∇f(θ + ρ g/‖g‖) (no ridge). ASAM: ε = ρ |θ|²g/‖|θ|g‖.
  const [x, y, M, rho, lr] = [0.7, -0.4, 1.3, 0.2, 0.1];
  const grad = (a: number, b: number) => [(a * b - M) * b, (a * b - M) * a];
  function expected(adaptive: boolean): number[] {
    const g = grad(x, y);
    const w = adaptive ? [Math.abs(x) * g[0], Math.abs(y) * g[1]] : g;
    const n = Math.hypot(w[0], w[1]);
    const u = adaptive ? [Math.abs(x) * w[0], Math.abs(y) * w[1]] : w;
    const gE = grad(x + (rho * u[0]) / n, y + (rho * u[1]) / n);
    return [x - lr * gE[0], y - lr * gE[1]];
  }
  it.each([['sam', false], ['asam', true]] as const)('%s on both backends', async (kind, adaptive) => {
    for (const name of ['wasm', 'reference'] as const) {
      const s = (await getBackend(name)).session({
        model: { kind: 'factorization', n: 1, m: 1, r: 1 }, precision: 'f64', loss: { kind: 'full', M: Float64Array.of(M) },
        lambda: 0, theta: Float64Array.of(x, y), rng: seedGaussian(1),
      });
      s.run(1, { lr, noise: { kind, sigma: [rho, rho] }, scale: 1, scaleMul: 1 });
      const [ex, ey] = expected(adaptive);
      const [gx, gy] = s.theta();
      expect(Math.abs(gx - ex)).toBeLessThan(1e-15);
      expect(Math.abs(gy - ey)).toBeLessThan(1e-15);
      expect(Math.abs(gx - (x - lr * grad(x, y)[0]))).toBeGreaterThan(1e-3); // not a GD step
      s.dispose();
    }
  });
});

describe('tail averaging (SWA)', () => {
  const cfg = { ...completion, seed: 5, optimizer: [{ steps: 40, lr: 0.05, noise: { kind: 'perturbed', sigma: 0.05 }, average: 15 }, { steps: 30, lr: 0.05, noise: { kind: 'label', sigma: 0.2 }, batch: 8, average: 30 }] };

  it.each([
    [{ steps: 5, lr: 0.1, average: 0 }, 'OUT_OF_RANGE', 'optimizer.average'],
    [{ steps: 5, lr: 0.1, average: 6 }, 'OUT_OF_RANGE', 'optimizer.average'],
    [{ steps: 5, lr: 0.1, average: 2.5 }, 'NOT_INTEGER', 'optimizer.average'],
  ])('%j is a %s at %s', (optimizer, code, path) => {
    expect(() => validateConfig({ ...completion, optimizer })).toThrow(expect.objectContaining({ code, path }));
  });

  it('is the mean of the iterates after each step of the windows, summed in step order', async () => {
    const r = await Run.create(cfg);
    const sum = new Float64Array(r.theta().length);
    let count = 0;
    while (r.done < r.total) {
      r.advance(1);
      if ((r.done > 25 && r.done <= 40) || r.done > 40) {
        r.theta().forEach((v, k) => (sum[k] += v));
        count++;
      }
    }
    const avg = r.result().average!;
    r.dispose();
    expect(count).toBe(45);
    expect(avg.steps).toBe(45);
    expect(avg.theta).toEqual(Array.from(sum, (v) => v / count));
    const whole = await run(cfg);
    expect(whole.average).toEqual(avg); // chunked as run() chunks it: the same bits
    expect(JSON.stringify(whole.average!.theta)).not.toBe(JSON.stringify((await run({ ...completion, seed: 5, optimizer: cfg.optimizer.map(({ average: _, ...p }) => p) })).final));
  });

  it('checkpoint → JSON → resume inside a window continues the sum on the other backend', async () => {
    const whole = await run(cfg, { backend: 'reference' });
    const first = await Run.create(cfg);
    first.advance(33);
    const saved = JSON.parse(JSON.stringify(first.checkpoint()));
    first.dispose();
    expect(saved.average.count).toBe(8);
    const second = await Run.create(cfg, { resume: saved, backend: 'reference' });
    second.advance();
    expect(JSON.stringify(second.result().average)).toBe(JSON.stringify(whole.average));
    second.dispose();
    await expect(Run.create(cfg, { resume: { ...saved, average: { ...saved.average, count: 7 } } })).rejects.toMatchObject({ code: 'TYPE', path: 'resume.average' });
    const { average: _, ...without } = saved;
    await expect(Run.create(cfg, { resume: without })).rejects.toMatchObject({ code: 'TYPE', path: 'resume.average' });
  });
});
