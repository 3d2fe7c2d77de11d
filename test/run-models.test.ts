import { describe, expect, it } from 'vitest';
import '../src/node.js';
import type { FlatminConfig } from '../src/config/types.js';
import { Run, run, type DeepLinearResult, type FactorizationResult, type RunResult, type SymmetricResult } from '../src/run.js';
import { jsonChunks } from '../src/report/jsonChunks.js';
import { RowsOf } from '../src/report/rowsOf.js';

// One optimizer vocabulary, one run, every model: phases with their own lr, batch and noise, noise
// schedules, checkpoints and resume, f32, dispose — the same for the two-factor model and the deep
// linear network, bit-identical between the backends.

const BACKENDS = ['wasm', 'reference'] as const;
const PRECISIONS = ['f64', 'f32'] as const;

/** D2 from its start: SGD with perturbed noise on a geometric schedule, then anticorrelated SGD, then a GD polish. */
const deep = (over: Record<string, unknown> = {}) => ({
  problem: { kind: 'completion', fixture: 'dln-D2' },
  model: { kind: 'deep-linear', depth: 3, width: 20 },
  optimizer: [
    { steps: 301, lr: 0.05, batch: 1, noise: { kind: 'perturbed', sigma: [0.01, 0.02, 0.01] }, scale: [1, 0.1] },
    { steps: 200, lr: 0.04, batch: 7, noise: { kind: 'anticorrelated', sigma: 0.01 } },
    { steps: 150, lr: 0.05 },
  ],
  seed: 3,
  recordEvery: 50,
  ...over,
}) as FlatminConfig;

/** A two-factor completion problem with two phases of different lr and batch, then Langevin, then GD. */
const twoFactor = (over: Record<string, unknown> = {}) => ({
  problem: { target: { random: { n: 14, m: 10, singularValues: [2, 1], seed: 't' } }, rank: 3, loss: { kind: 'completion', fraction: 0.7 }, lambda: 1e-3 },
  init: { kind: 'gaussian', imbalance: 2 },
  optimizer: [
    { steps: 400, lr: 0.3, batch: 5, noise: { kind: 'perturbed', sigma: [0.05, 0.1] } },
    { steps: 301, lr: 0.1, batch: 13, noise: { kind: 'perturbed', sigma: 0.05 }, scale: [1, 0.2] },
    { steps: 100, lr: 0.05, noise: { kind: 'langevin', temperature: 1e-6 } },
    { steps: 100, lr: 0.2 },
  ],
  seed: 'phases',
  recordEvery: 100,
  ...over,
}) as FlatminConfig;

/** The symmetric model X Xᵀ on sensing, over-parameterized: perturbed SGD on a schedule, anticorrelated GD, Langevin, GD. */
const symmetric = (over: Record<string, unknown> = {}) => ({
  model: { kind: 'symmetric', rank: 3, init: { scale: 0.1 } },
  problem: { target: { random: { n: 8, eigenvalues: [1.5, 1], seed: 's' } }, loss: { kind: 'sensing', measurements: 60 }, lambda: 1e-4 },
  optimizer: [
    { steps: 301, lr: 0.05, batch: 7, noise: { kind: 'perturbed', sigma: 0.01 }, scale: [1, 0.1] },
    { steps: 200, lr: 0.1, noise: { kind: 'anticorrelated', sigma: 0.005 } },
    { steps: 100, lr: 0.05, noise: { kind: 'langevin', temperature: 1e-7 } },
    { steps: 100, lr: 0.1 },
  ],
  seed: 'sym',
  recordEvery: 50,
  ...over,
}) as FlatminConfig;

/** The final iterate of a result as comparable text (JSON keeps every bit of a finite double). */
const finalOf = (r: RunResult) => JSON.stringify(r.kind === 'deep-linear' ? r.final.weights : r.final);

describe.each(PRECISIONS)('%s', (precision) => {
  it('a deep-linear run with phases, noise kinds and a schedule: the same bits on both backends', async () => {
    const [w, ref] = await Promise.all(BACKENDS.map((backend) => run(deep({ precision, backend })) as Promise<DeepLinearResult>));
    expect(w.steps).toBe(651);
    expect(finalOf(w)).toBe(finalOf(ref));
    expect(w.history).toEqual(ref.history);
    if (precision === 'f32') expect(w.final.weights.flat(2).every((v) => Math.fround(v) === v)).toBe(true);
  });

  it('a two-factor run with two phases of different lr and batch: the same bits on both backends', async () => {
    const [w, ref] = await Promise.all(BACKENDS.map((backend) => run(twoFactor({ precision, backend })) as Promise<FactorizationResult>));
    expect(w.steps).toBe(901);
    expect(finalOf(w)).toBe(finalOf(ref));
    expect(w.history).toEqual(ref.history);
  });

  it('a symmetric X Xᵀ sensing run with batches and every noise kind: the same bits on both backends, and it recovers the target', async () => {
    const [w, ref] = await Promise.all(BACKENDS.map((backend) => run(symmetric({ precision, backend })) as Promise<SymmetricResult>));
    expect(w.kind).toBe('symmetric');
    expect(w.steps).toBe(701);
    expect(finalOf(w)).toBe(finalOf(ref));
    expect(w.history).toEqual(ref.history);
    expect(w.history[0].error).toBeGreaterThan(0.9);
    expect(w.final.error).toBeLessThan(0.05);
  });

  it.each(BACKENDS)('%s: a checkpoint at an odd step (mid-epoch, mid-schedule, mid-phase) resumes to the uninterrupted bits, for every model', async (backend) => {
    for (const config of [deep({ precision, backend }), twoFactor({ precision, backend }), symmetric({ precision, backend })]) {
      const whole = await run(config);
      const first = await Run.create(config);
      first.advance(377);
      const saved = JSON.parse(JSON.stringify(first.checkpoint()));
      first.dispose();
      // Resumed from the config the checkpoint carries, on the other backend: still the same bits.
      const other = backend === 'wasm' ? 'reference' : 'wasm';
      using second = await Run.resume(saved, { backend: other });
      second.advance(100);
      second.advance();
      const r = second.result();
      expect(r.steps).toBe(whole.steps);
      expect(finalOf(r)).toBe(finalOf(whole));
      expect(r.history).toEqual(whole.history);
    }
  });
});

describe('noise schedules and phases', () => {
  it('a deep-linear noise scale of 0 is plain SGD; a decaying scale differs from a constant one', async () => {
    const sgd = (noise: unknown, scale: unknown) => run(deep({ optimizer: { steps: 200, lr: 0.05, batch: 1, ...(noise ? { noise } : {}), scale } })) as Promise<DeepLinearResult>;
    const noise = { kind: 'perturbed', sigma: 0.02 };
    const [plain, zero, constant, decaying] = await Promise.all([sgd(undefined, 1), sgd(noise, 0), sgd(noise, 1), sgd(noise, [1, 0.01])]);
    expect(finalOf(zero)).toBe(finalOf(plain));
    expect(finalOf(decaying)).not.toBe(finalOf(constant));
    expect(finalOf(constant)).not.toBe(finalOf(plain));
  });

  it('the 0.1 two-factor form and the same run written as phases give the same bits', async () => {
    const problem = { target: { random: { n: 12, m: 8, singularValues: [2, 1], seed: 'p' } }, rank: 2 };
    const legacy = await run({
      problem, optimizer: { kind: 'perturbed-gd', lr: 0.01, sigmaX: 0.2, sigmaY: 0.1, schedule: [{ steps: 300, scale: 1 }, { steps: 200, scale: [1, 0.1] }] }, seed: 1,
    });
    const phases = await run({
      problem, seed: 1,
      optimizer: [
        { steps: 300, lr: 0.01, noise: { kind: 'perturbed', sigma: [0.2, 0.1] } },
        { steps: 200, lr: 0.01, noise: { kind: 'perturbed', sigma: [0.2, 0.1] }, scale: [1, 0.1] },
      ],
    });
    expect(finalOf(phases)).toBe(finalOf(legacy));
    expect(phases.config).toEqual(legacy.config);
  });

  it('the 0.1 deep-linear phases ({ kind: "sgd" | "gd" }) and the new ones give the same bits', async () => {
    const legacy = await run(deep({ optimizer: [{ kind: 'sgd', lr: 0.05, batch: 2, steps: 120, noise: { kind: 'langevin', temperature: 1e-5 } }, { kind: 'gd', lr: 0.05, steps: 30 }] }));
    const phases = await run(deep({ optimizer: [{ steps: 120, lr: 0.05, batch: 2, noise: { kind: 'langevin', temperature: 1e-5 } }, { steps: 30, lr: 0.05 }] }));
    expect(finalOf(phases)).toBe(finalOf(legacy));
  });
});

describe('the run object', () => {
  it('Symbol.dispose frees it; using a disposed run is a typed error', async () => {
    let kept: Run | undefined;
    {
      using r = await Run.create(deep());
      kept = r;
      r.advance(10);
    }
    expect(() => kept!.advance(1)).toThrow(expect.objectContaining({ code: 'USAGE', path: 'run' }));
    kept!.dispose(); // idempotent
  });

  it('a checkpoint of one model resumed into the other names resume.model', async () => {
    const r = await Run.create(deep());
    const ck = r.checkpoint();
    r.dispose();
    await expect(Run.create(twoFactor(), { resume: ck })).rejects.toMatchObject({ code: 'TYPE', path: 'resume.model' });
  });

  it('run() serves the event loop while it works and stops on an AbortSignal', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const t0 = performance.now();
    await run(deep({ optimizer: { steps: 200_000, lr: 0.05, batch: 1 }, recordEvery: 20_000 }));
    const ms = performance.now() - t0;
    clearInterval(timer);
    expect(ms).toBeGreaterThan(200);
    expect(ticks).toBeGreaterThan(ms / 100); // a run holding the thread would let through 0 or 1
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    const t1 = performance.now();
    await expect(run(deep({ optimizer: { steps: 50_000_000, lr: 0.05, batch: 1 }, recordEvery: 1_000_000 }), { signal: ac.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(performance.now() - t1).toBeLessThan(5000);
  });

  it('progress has one signature for every model: (done, total)', async () => {
    const seen: Array<[number, number]> = [];
    await run(deep({ optimizer: { steps: 300, lr: 0.05 }, recordEvery: 100 }), { onProgress: (d, t) => seen.push([d, t]) });
    expect(seen.at(-1)).toEqual([300, 300]);
    expect(seen.every(([d, t]) => t === 300 && d > 0)).toBe(true);
  });
});

describe('the deferred result (what the CLI writes)', () => {
  const short = { optimizer: { steps: 30, lr: 0.05, noise: { kind: 'perturbed', sigma: 0.01 } }, recordEvery: 10 };
  const factored = {
    problem: { target: { random: { n: 30, m: 20, singularValues: [2, 1], seed: 'f', factored: true } }, rank: 3 },
    seed: 'f', ...short,
  } as FlatminConfig;
  const cases: Array<[string, FlatminConfig, (r: { final: Record<string, unknown> }) => unknown[]]> = [
    ['two-factor', twoFactor(short), (r) => [r.final.X, r.final.Y]],
    ['factored target', factored, (r) => [r.final.X, r.final.Y]],
    ['symmetric', symmetric(short), (r) => [r.final.X]],
    ['deep linear', deep({ ...short, optimizer: { steps: 30, lr: 0.05, batch: 7 } }), (r) => r.final.weights as unknown[]],
  ];
  it.each(cases)('%s: the same JSON text as result(), its matrices never made into row arrays', async (_, config, matrices) => {
    const r = await Run.create(config, { backend: 'wasm' });
    try {
      r.advance(r.total);
      const deferred = r.deferredResult();
      for (const m of matrices(deferred as { final: Record<string, unknown> })) expect(m).toBeInstanceOf(RowsOf);
      const result = r.result();
      for (const m of matrices(result as { final: Record<string, unknown> })) expect(Array.isArray(m) && Array.isArray((m as unknown[])[0])).toBe(true);
      for (const indent of [0, 1]) expect([...jsonChunks(deferred, indent)].join('')).toBe([...jsonChunks(result, indent)].join(''));
    } finally {
      r.dispose();
    }
  });
});
