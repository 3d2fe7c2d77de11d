/**
 * `threads` in the run options and `--threads N` on the command line: the result says how many
 * threads ran, a checkpoint resumes to the same bits on another thread count, a caller-given Wasm
 * source falls back to one thread, and a CLI run on 2 threads exits as soon as it is done (the
 * pool's workers never keep the process alive). Real workers, real Wasm, the real compiled binary.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import '../src/node.js';
import { defaultSource } from '../src/backends/wasm/loader.js';
import { gainsFromThreads, PARALLEL_DRAW, resolveThreads, stepWork } from '../src/backends/wasm/threads.js';
import { availableParallelism } from 'node:os';
// The built package for runInWorker: its worker script must exist as JavaScript to be spawned.
import { runInWorker } from '../dist/node.js';
import { Run, type FactorizationResult } from '../src/run.js';

const config = (precision: 'f64' | 'f32') => ({
  problem: { target: { random: { n: 110, m: 90, singularValues: [2, 1, 0.5], seed: 'threads' } }, rank: 7 },
  init: { kind: 'gaussian' },
  optimizer: [{ steps: 40, lr: 0.01, noise: { kind: 'perturbed', sigma: [0.01, 0.02] } }],
  precision,
  seed: 5,
  recordEvery: 10,
});

describe('RunOptions.threads', () => {
  it.each(['f64', 'f32'] as const)('%s: a checkpoint taken on 3 threads resumes on 2 and on 1 to the uninterrupted bits', async (precision) => {
    using whole = await Run.create(config(precision), { threads: 1 });
    whole.advance();
    const want = whole.result() as FactorizationResult;
    using first = await Run.create(config(precision), { threads: 3 });
    expect(first.threads).toBe(3);
    first.advance(17);
    const ck = JSON.parse(JSON.stringify(first.checkpoint()));
    for (const threads of [2, 1]) {
      using rest = await Run.resume(ck, { threads });
      rest.advance();
      const got = rest.result() as FactorizationResult;
      expect(got.threads).toBe(threads);
      expect(Array.from(rest.theta())).toEqual(Array.from(whole.theta()));
      expect(got.history).toEqual(want.history);
    }
  });

  it('defaults to one thread below 256·256·16 multiply-adds per step; the reference backend always runs on one', async () => {
    using small = await Run.create(config('f64'));
    expect(small.threads).toBe(1);
    using ref = await Run.create(config('f64'), { backend: 'reference', threads: 2 });
    expect(ref.result().threads).toBe(1);
  });

  it("counts the loss's products: a large two-factor completion has none (one thread), a large factored target its own", () => {
    const big = { kind: 'factorization', n: 2000, m: 2000, r: 20 } as const;
    const theta = new Float64Array(4000 * 20);
    const completion = { kind: 'completion', M: new Float64Array(0), mask: [] } as const;
    expect(stepWork(big, { kind: 'full', M: new Float64Array(0) })).toBe(8e7);
    expect(stepWork(big, completion)).toBe(0);
    expect(stepWork(big, { kind: 'factored', A: new Float64Array(0), B: new Float64Array(0), k: 10 })).toBe(4000 * 20 * 30);
    expect(resolveThreads(undefined, gainsFromThreads({ model: big, loss: completion, theta }, [undefined, 'sam', 'label']), 'wasm', false)).toBe(1);
    expect(resolveThreads(undefined, gainsFromThreads({ model: big, loss: { kind: 'full', M: new Float64Array(0) }, theta }, []), 'wasm', false)).toBe(availableParallelism());
  });

  it("counts θ's noise draw: a completion whose noise draws θ's normals gains from PARALLEL_DRAW entries of θ", () => {
    const completion = { kind: 'completion', M: new Float64Array(0), mask: [] } as const;
    const model = (n: number) => ({ kind: 'factorization', n, m: n, r: 10 }) as const;
    const at = (n: number, noises: Array<string | undefined>) => gainsFromThreads({ model: model(n), loss: completion, theta: new Float64Array(2 * n * 10) }, noises);
    for (const kind of ['perturbed', 'anticorrelated', 'langevin', 'annealed']) expect({ kind, gains: at(820, [undefined, kind]) }).toEqual({ kind, gains: true });
    for (const kind of ['sam', 'asam', 'label', undefined]) expect({ kind, gains: at(820, [kind]) }).toEqual({ kind, gains: false });
    expect(2 * 819 * 10).toBeLessThan(PARALLEL_DRAW);
    expect(at(819, ['perturbed'])).toBe(false);
  });

  it('a caller-given Wasm source (a single-threaded build) runs on one thread and says why, once', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      using r = await Run.create(config('f64'), { threads: 2, wasm: defaultSource('simd') });
      expect(r.threads).toBe(1);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0][0])).toMatch(/one thread instead of 2: a Wasm source was given/);
    } finally {
      warn.mockRestore();
    }
  });

  it('runInWorker({ threads: 2 }): the worker starts its own pool, same bits', async () => {
    using here = await Run.create(config('f32'), { threads: 1 });
    here.advance();
    const there = (await runInWorker(config('f32'), { threads: 2 })) as FactorizationResult;
    expect(there.threads).toBe(2);
    expect(there.final).toEqual((here.result() as FactorizationResult).final);
  });

  it('rejects a thread count that is not an integer from 1 to 64', async () => {
    for (const threads of [0, 1.5, 65]) {
      await expect(Run.create(config('f64'), { threads })).rejects.toMatchObject({ code: 'OUT_OF_RANGE', path: 'threads' });
    }
  });
});

describe('flatmin run --threads', () => {
  const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
  const BIN = join(ROOT, 'dist/cli/bin.js');
  const dir = mkdtempSync(join(tmpdir(), 'flatmin-threads-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs on 2 threads to the bits of 1 thread, and the process exits promptly', () => {
    if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` before these tests`);
    writeFileSync(join(dir, 'c.json'), JSON.stringify(config('f64')));
    const out: Record<number, FactorizationResult> = {};
    for (const threads of [1, 2]) {
      const t0 = Date.now();
      const r = spawnSync(process.execPath, [BIN, 'run', 'c.json', '--threads', String(threads), '--out', `r${threads}.json`, '-q'], { cwd: dir, encoding: 'utf8', timeout: 30_000 });
      expect(r.error).toBeUndefined();
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(Date.now() - t0).toBeLessThan(15_000); // a worker keeping the process alive would hit the 30 s timeout
      out[threads] = JSON.parse(readFileSync(join(dir, `r${threads}.json`), 'utf8'));
    }
    expect(out[2].threads).toBe(2);
    expect(out[2].final).toEqual(out[1].final);
    expect(out[2].history).toEqual(out[1].history);
  });

  it('starts its pool threads under node --input-type=module -e too (eval workers inherit that flag)', () => {
    const script = `const { Run } = await import(${JSON.stringify(join(ROOT, 'dist/node.js'))});
const r = await Run.create(${JSON.stringify(config('f64'))}, { threads: 2 });
r.advance(3);
console.log(r.result().threads);`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('2');
  });

  it('rejects --threads 0', () => {
    const r = spawnSync(process.execPath, [BIN, 'run', 'c.json', '--threads', '0'], { cwd: dir, encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--threads: expected a number of threads/);
  });
});
