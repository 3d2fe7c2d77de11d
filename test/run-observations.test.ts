import { describe, expect, it } from 'vitest';
import { Run, run as runAny, type FactorizationResult } from '../src/run.js';
import { FlatminError } from '../src/errors.js';
import { objective, lossOfW } from '../src/problems/losses.js';
import { observedObjective } from '../src/problems/observed.js';
import { lcg } from './helpers.js';

// Completion observations given as COO lists through the config: the same run as the dense mask
// with those values, in any list order; typed errors; the O(|Ω|·r) records equal the dense ones.

const run = (c: unknown) => runAny(c) as Promise<FactorizationResult>;
const rnd = lcg(3);
const target = Array.from({ length: 6 }, () => Array.from({ length: 5 }, () => rnd()));
const mask = target.map((row, i) => row.map((_, j) => ((i + 2 * j) % 3 === 0 ? 0 : 1)));
const coo = { rows: [] as number[], cols: [] as number[], values: [] as number[] };
mask.forEach((row, i) => row.forEach((v, j) => {
  if (v) coo.rows.push(i), coo.cols.push(j), coo.values.push(target[i][j]);
}));
const shuffled = (() => {
  const order = coo.rows.map((_, t) => t).reverse();
  return { rows: order.map((t) => coo.rows[t]), cols: order.map((t) => coo.cols[t]), values: order.map((t) => coo.values[t]) };
})();
const base = { problem: { target, rank: 2, lambda: 0.01 }, optimizer: { kind: 'perturbed-gd', lr: 0.2, steps: 120, batch: 4, sigmaX: 0.01, sigmaY: 0.01 }, seed: 9, recordEvery: 20 };

describe('completion observations as { rows, cols, values }', () => {
  it('the same run as the dense mask (f64 and f32, wasm and reference), in any list order', async () => {
    for (const precision of ['f64', 'f32'] as const) {
      for (const backend of ['wasm', 'reference'] as const) {
        const cfg = (loss: object) => ({ ...base, precision, backend, problem: { ...base.problem, loss } });
        const a = await run(cfg({ kind: 'completion', mask }));
        const b = await run(cfg({ kind: 'completion', observations: shuffled }));
        expect(JSON.stringify(b.final)).toBe(JSON.stringify(a.final));
        expect(b.history).toEqual(a.history);
      }
    }
  });

  it('checkpoint mid-epoch → JSON → resume (wasm → reference) reaches the uninterrupted bits', async () => {
    const cfg = { ...base, problem: { ...base.problem, loss: { kind: 'completion', observations: shuffled } } };
    const whole = await run(cfg);
    const first = (await Run.create(cfg)) as Run<FactorizationResult>;
    first.advance(37);
    const saved = JSON.parse(JSON.stringify(first.checkpoint()));
    first.dispose();
    expect(saved.sampler.pos % saved.sampler.order.length).not.toBe(0);
    const second = (await Run.create(cfg, { resume: saved, backend: 'reference' })) as Run<FactorizationResult>;
    second.advance();
    expect(JSON.stringify(second.result().final)).toBe(JSON.stringify(whole.final));
    second.dispose();
  });

  it('values differ from the target: the loss fits the values', async () => {
    const moved = { ...coo, values: coo.values.map((v) => v + 0.5) };
    const r = await run({ ...base, optimizer: { kind: 'gd', lr: 0.3, steps: 3000 }, problem: { target, rank: 4, loss: { kind: 'completion', observations: moved } } });
    expect(r.history[r.history.length - 1].loss).toBeLessThan(1e-3);
  });

  it('typed config errors name the list and the index', async () => {
    const fails = async (observations: unknown, code: string, path: string) => {
      const e = await run({ ...base, problem: { ...base.problem, loss: { kind: 'completion', observations } } }).catch((x) => x);
      expect(e).toBeInstanceOf(FlatminError);
      expect([e.code, e.path]).toEqual([code, path]);
    };
    await fails({ rows: [0, 0], cols: [1, 1], values: [1, 2] }, 'DUPLICATE', 'problem.loss.observations.rows[1]');
    await fails({ rows: [0, 6], cols: [1, 1], values: [1, 2] }, 'OUT_OF_RANGE', 'problem.loss.observations.rows[1]');
    await fails({ rows: [0], cols: [1], values: ['a'] }, 'TYPE', 'problem.loss.observations.values[0]');
    await fails({ rows: [0], cols: [1] }, 'MISSING', 'problem.loss.observations.values');
    const both = await run({ ...base, problem: { ...base.problem, loss: { kind: 'completion', mask, observations: coo } } }).catch((x) => x);
    expect([both.code, both.path]).toEqual(['TYPE', 'problem.loss.observations']);
  });

  it('the records from the lists are the dense objective\'s bits', () => {
    const n = 6, m = 5, r = 3;
    const theta = Float64Array.from({ length: (n + m) * r }, rnd);
    const M = Float64Array.from(target.flat());
    const flatMask = Float64Array.from(mask.flat());
    const index = Int32Array.from(Array.from(flatMask, (v, k) => (v ? k : -1)).filter((k) => k >= 0));
    const dense = objective(lossOfW({ kind: 'completion', mask: flatMask }, M), 0.02, theta, n, m, r);
    expect(observedObjective({ index, values: Float64Array.from(index, (e) => M[e]) }, 0.02, theta, n, m, r)).toBe(dense);
  });
});
