import { describe, expect, it } from 'vitest';
// The built package (pretest builds it): the worker script must exist as JavaScript to be spawned.
import { FlatminError, run as runAny, runInWorker as runInWorkerAny, WorkerRun as AnyWorkerRun, type DeepLinearResult, type FactorizationResult, type RunInWorkerOptions } from '../../dist/node.js';

// Two-factor runs throughout: results typed as such (the configs here are loose objects).
const run = (c: unknown) => runAny(c) as Promise<FactorizationResult>;
const runInWorker = (c: unknown, o?: RunInWorkerOptions) => runInWorkerAny(c, o) as Promise<FactorizationResult>;
const WorkerRun = { create: (c: unknown, o?: Parameters<typeof AnyWorkerRun.create>[1]) => AnyWorkerRun.create(c, o) as Promise<AnyWorkerRun<FactorizationResult>> };

const config = {
  problem: { target: { random: { n: 30, m: 20, singularValues: [3, 2, 1], seed: 'w' } }, rank: 3 },
  optimizer: { kind: 'perturbed-gd', lr: 0.0025, sigmaX: 0.2, sigmaY: 0.1, steps: 20_000 },
  seed: 'worker',
  recordEvery: 500,
};

describe('runs on worker_threads', () => {
  it('the main thread stays free during a single long advance', async () => {
    const w = await WorkerRun.create({ ...config, optimizer: { ...config.optimizer, steps: 200_000 } });
    try {
      let ticks = 0;
      const timer = setInterval(() => ticks++, 1);
      const t0 = performance.now();
      await w.advance(); // one request: on the main thread it would block every timer until done
      clearInterval(timer);
      const ms = performance.now() - t0;
      expect(ms).toBeGreaterThan(50); // long enough for timers to matter
      expect(ticks).toBeGreaterThan(ms / 20); // they kept firing (a blocked thread gives 0 or 1)
    } finally {
      w.dispose();
    }
  });

  it('gives the same bits as run() on the main thread, with progress', async () => {
    const seen: number[] = [];
    const progress: number[] = [];
    let points = 0;
    const r = await runInWorker(config, {
      chunk: 1000,
      onProgress: (done, total) => {
        expect(total).toBe(20_000);
        progress.push(done);
      },
      onSnapshot: (s) => {
        seen.push(s.done);
        points += s.history.length;
      },
    });
    const direct = await run(config);
    expect(JSON.stringify(r.final)).toBe(JSON.stringify(direct.final));
    expect(r.history).toEqual(direct.history);
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => (i + 1) * 1000));
    expect(progress).toEqual(seen); // the same (done, total) signature as run()'s onProgress
    expect(points).toBe(direct.history.length - 1); // the initial point came with create()
  });

  it('WorkerRun pauses between advances and streams the history; the snapshot has dX and c²', async () => {
    const w = await WorkerRun.create(config);
    try {
      expect(w.first).toMatchObject({ done: 0, total: 20_000 });
      expect(w.first.history).toHaveLength(1);
      expect(w.first.prediction!.c2).toBeCloseTo(4 * 30 / 20, 12);
      const a = await w.advance(4000);
      expect(a.done).toBe(4000);
      expect(a.history.map((h) => h.step)).toEqual([500, 1000, 1500, 2000, 2500, 3000, 3500, 4000]);
      const saved = await w.checkpoint();
      const b = await w.advance();
      expect(b.done).toBe(20_000);
      expect(b.distances!.dX).toBeLessThan(a.distances!.dX);
      const whole = await w.result();
      // Resume from the mid-run checkpoint in another worker: the same bits.
      const again = await WorkerRun.create(config, { resume: saved });
      await again.advance();
      expect(JSON.stringify((await again.result()).final)).toBe(JSON.stringify(whole.final));
      again.dispose();
    } finally {
      w.dispose();
    }
  });

  it('an AbortSignal stops a long run at once with the signal\'s reason', async () => {
    const ac = new AbortController();
    const long = { ...config, optimizer: { ...config.optimizer, steps: 50_000_000 } };
    const t0 = performance.now();
    const p = runInWorker(long, { chunk: 10_000, signal: ac.signal, onProgress: (done) => done >= 30_000 && ac.abort() });
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    expect(performance.now() - t0).toBeLessThan(10_000); // 5·10⁷ steps would take minutes
    await expect(runInWorker(config, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('bad input and divergence arrive as typed FlatminErrors with their path and details', async () => {
    await expect(runInWorker({ ...config, optimizer: { ...config.optimizer, lr: -1 } })).rejects.toMatchObject({ code: 'OUT_OF_RANGE', path: 'optimizer.lr' });
    const e = await runInWorker({ ...config, optimizer: { kind: 'gd', lr: 5, steps: 100 } }).catch((x) => x);
    expect(e).toBeInstanceOf(FlatminError);
    expect(e.code).toBe('DIVERGED');
    expect(e.details.suggestedLr).toBe(1.3); // lr/4 to two digits
    expect(e.details.result.steps).toBeLessThan(100);
  });

  it('a function, Proxy or BigInt in the config is a FlatminError with its path, from runInWorker and WorkerRun.create', async () => {
    const proxy = new Proxy({}, { ownKeys: () => { throw new Error('trap'); } });
    const cases: [unknown, string][] = [
      [{ ...config, seed: () => 1 }, 'seed'],
      [{ ...config, optimizer: { ...config.optimizer, lr: 10n } }, 'optimizer.lr'],
      [{ ...config, problem: proxy }, 'problem'],
    ];
    for (const [bad, path] of cases) {
      await expect(runInWorker(bad)).rejects.toMatchObject({ name: 'FlatminError', code: 'TYPE', path });
      await expect(WorkerRun.create(bad)).rejects.toMatchObject({ name: 'FlatminError', code: 'TYPE', path });
    }
    const w = await WorkerRun.create(config);
    const ck = await w.checkpoint();
    w.dispose();
    await expect(WorkerRun.create(config, { resume: { ...ck, history: [() => 0] } as never })).rejects.toMatchObject({ name: 'FlatminError', path: 'resume.history[0]' });
  });

  it('a disposed WorkerRun refuses further calls', async () => {
    const w = await WorkerRun.create(config);
    w.dispose();
    await expect(w.advance(10)).rejects.toThrow(/disposed/);
  });

  it.each(['f64', 'f32'] as const)('deep-linear SGD with noise (%s): checkpoint at an odd step, abort, resume in a new worker: the bits of run()', async (precision) => {
    const deep = {
      problem: { kind: 'completion', fixture: 'dln-D2' }, model: { kind: 'deep-linear', depth: 3, width: 20 },
      optimizer: [{ steps: 3001, lr: 0.05, batch: 1, noise: { kind: 'anticorrelated', sigma: 0.01 } }, { steps: 500, lr: 0.05 }],
      seed: 9, precision, recordEvery: 500,
    };
    const whole = (await runAny(deep)) as DeepLinearResult;
    const ac = new AbortController();
    const w = await AnyWorkerRun.create(deep, { signal: ac.signal });
    await w.advance(1777);
    const saved = await w.checkpoint();
    const pending = w.advance();
    ac.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    const again = await AnyWorkerRun.create(deep, { resume: saved });
    try {
      const last = await again.advance();
      expect(last.done).toBe(3501);
      const r = (await again.result()) as DeepLinearResult;
      expect(JSON.stringify(r.final.weights)).toBe(JSON.stringify(whole.final.weights));
      expect(r.history).toEqual(whole.history);
    } finally {
      again.dispose();
    }
  });
});
