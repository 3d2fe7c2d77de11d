import { describe, expect, it } from 'vitest';
import { validateConfig } from '../src/config/validate.js';
import type { FactorizationConfig } from '../src/config/types.js';
import { Run, run as runAny, type FactorizationResult, type RunOptions } from '../src/run.js';
import { lcg } from './helpers.js';

// Two-factor runs: the result and the Run typed as such (configs here are loose objects).
const run = (c: unknown, o?: RunOptions) => runAny(c, o) as Promise<FactorizationResult>;
const FactorizationRun = { create: (c: unknown, o?: RunOptions) => Run.create(c, o) as Promise<Run<FactorizationResult>> };
type RunResult = FactorizationResult;

// optimizer.batch through the config: minibatch SGD on completion and sensing with every noise
// kind, wasm = reference in f64 and f32, checkpoints mid-epoch, typed config errors, and SGD
// actually fitting the observed entries.

const target = { random: { n: 12, m: 9, singularValues: [2, 1], seed: 't' } };
const VARIANTS: Array<[string, Record<string, unknown>, Record<string, unknown>]> = [
  ['completion, gd, batch 1', { loss: { kind: 'completion', fraction: 0.6 } }, { kind: 'gd', lr: 0.1, steps: 300, batch: 1 }],
  ['completion, perturbed-gd, batch 7', { loss: { kind: 'completion', fraction: 0.6 } }, { kind: 'perturbed-gd', lr: 0.2, steps: 300, batch: 7, sigmaX: 0.01, sigmaY: 0.01 }],
  ['sensing + ridge, anticorrelated-gd, batch 3', { loss: { kind: 'sensing', measurements: 80 }, lambda: 0.001 }, { kind: 'anticorrelated-gd', lr: 0.01, steps: 300, batch: 3, sigmaX: 0.01, sigmaY: 0.01 }],
  ['sensing, langevin, batch 9 (80 = 8·9 + 8)', { loss: { kind: 'sensing', measurements: 80 } }, { kind: 'langevin', lr: 0.01, temperature: 1e-6, steps: 300, batch: 9 }],
];

describe.each(VARIANTS)('%s', (_name, problem, optimizer) => {
  const cfg = { problem: { target, rank: 3, ...problem }, optimizer, seed: 5, recordEvery: 50 };
  it('wasm and reference give the same bits in f64 and f32', async () => {
    for (const precision of ['f64', 'f32'] as const) {
      const [a, b] = await Promise.all([run({ ...cfg, precision }), run({ ...cfg, precision, backend: 'reference' })]);
      expect(JSON.stringify(a.final)).toBe(JSON.stringify(b.final));
      expect(a.history).toEqual(b.history);
    }
  });

  it('checkpoint mid-epoch → JSON → resume reaches the uninterrupted bits', async () => {
    const whole = await run(cfg);
    const first = await FactorizationRun.create(cfg);
    first.advance(131); // 131·batch is not a multiple of the number of entries / measurements
    const saved = JSON.parse(JSON.stringify(first.checkpoint()));
    first.dispose();
    expect(saved.sampler.pos % saved.sampler.order.length).not.toBe(0);
    const second = await FactorizationRun.create(cfg, { resume: saved, backend: 'reference' });
    second.advance();
    expect(JSON.stringify(second.result().final)).toBe(JSON.stringify(whole.final));
    second.dispose();
  });
});

it('batch = the number of measurements is today\'s full-batch run, bit for bit', async () => {
  const cfg = { problem: { target, rank: 3, loss: { kind: 'sensing', measurements: 40 } }, optimizer: { kind: 'perturbed-gd', lr: 0.02, steps: 200 }, seed: 2 };
  const [a, b] = await Promise.all([run(cfg), run({ ...cfg, optimizer: { ...cfg.optimizer, batch: 40 } })]);
  expect(JSON.stringify(b.final)).toBe(JSON.stringify(a.final));
  expect(b.history).toEqual(a.history);
});

describe('config errors name optimizer.batch', () => {
  const base = (loss: unknown, batch: unknown) => ({ problem: { target, rank: 2, loss }, optimizer: { kind: 'gd', lr: 0.1, steps: 10, batch } });
  const mask = Array.from({ length: 12 }, (_, i) => Array.from({ length: 9 }, (_, j) => ((i + j) % 4 === 0 ? 1 : 0))); // 27 observed
  it.each([
    ['the full target', { kind: 'full' }, 2, 'UNKNOWN_KEY'],
    ['batch 0', { kind: 'sensing', measurements: 10 }, 0, 'OUT_OF_RANGE'],
    ['a fraction', { kind: 'sensing', measurements: 10 }, 2.5, 'NOT_INTEGER'],
    ['a string', { kind: 'sensing', measurements: 10 }, 'all', 'TYPE'],
    ['more than the measurements', { kind: 'sensing', measurements: 10 }, 11, 'OUT_OF_RANGE'],
    ['more than the observed entries', { kind: 'completion', mask }, 28, 'OUT_OF_RANGE'],
  ])('%s', (_name, loss, batch, code) => {
    expect(() => validateConfig(base(loss, batch))).toThrow(expect.objectContaining({ code, path: 'optimizer.batch' }));
  });
  it('a batch larger than a drawn (fraction) mask fails when the run is built', async () => {
    expect((validateConfig(base({ kind: 'completion', mask }, 27)) as FactorizationConfig).optimizer[0].batch).toBe(27);
    await expect(FactorizationRun.create(base({ kind: 'completion', fraction: 0.1 }, 100))).rejects.toMatchObject({ code: 'OUT_OF_RANGE', path: 'optimizer.batch' });
  });
  it('a minibatch checkpoint without its sampler is a typed error', async () => {
    const cfg = base({ kind: 'sensing', measurements: 10 }, 3);
    const first = await FactorizationRun.create(cfg);
    first.advance(5);
    const { sampler: _, ...ck } = first.checkpoint();
    first.dispose();
    await expect(FactorizationRun.create(cfg, { resume: ck as never })).rejects.toMatchObject({ code: 'TYPE', path: 'resume.sampler' });
  });
});

it('SGD with batch 8 on completion fits the observed entries (loss ↓ 10⁴×, max residual < 0.01)', async () => {
  const n = 20, m = 15;
  const rnd = lcg(12); // uniform in [−½, ½): observes ~60%
  const mask = Array.from({ length: n }, () => Array.from({ length: m }, () => (rnd() < 0.1 ? 1 : 0)));
  const r = await run({
    problem: { target: { random: { n, m, singularValues: [2, 1], seed: 't' } }, rank: 2, loss: { kind: 'completion', mask } },
    optimizer: { kind: 'gd', lr: 0.5, steps: 8000, batch: 8 }, seed: 3, recordEvery: 1000,
  });
  const losses = r.history.map((h) => h.loss);
  expect(losses.at(-1)!).toBeLessThan(1e-4 * losses[0]);
  const full = await FactorizationRun.create({
    problem: { target: { random: { n, m, singularValues: [2, 1], seed: 't' } }, rank: 2 }, optimizer: { kind: 'gd', lr: 0.1, steps: 1 },
  });
  const M = full.factorization!.M!.data;
  full.dispose();
  let worst = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < m; j++) {
      if (!mask[i][j]) continue;
      let w = 0;
      for (let c = 0; c < 2; c++) w += r.final.X[i][c] * r.final.Y[j][c];
      worst = Math.max(worst, Math.abs(w - M[i * m + j]));
    }
  expect(worst).toBeLessThan(0.01);
});
