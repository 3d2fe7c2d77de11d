/**
 * Sparse sensing measurements through the run API (measurements: { count, nonzeros }): both models
 * run to the same bits on both backends, a checkpoint resumes to the bits of the uninterrupted run
 * (the config regenerates the matrices), and the session holds N·s entries, never N·n·m.
 */
import { describe, expect, it } from 'vitest';
import { Run, run, type Checkpoint } from '../src/run.js';
import { sessionPlan, SLOT } from '../src/backends/memory.js';
import { validateConfig } from '../src/config/validate.js';
import type { DeepLinearConfig, FactorizationConfig } from '../src/config/types.js';
import { factorizationModel } from '../src/models/factorization.js';
import { deepLinearModel } from '../src/models/deepLinear.js';

const twoFactor = {
  problem: { target: { random: { n: 9, m: 7, singularValues: [2, 1], seed: 'ss' } }, rank: 2, loss: { kind: 'sensing', measurements: { count: 60, nonzeros: 8 } } },
  optimizer: [
    { steps: 30, lr: 0.1, batch: 6, noise: { kind: 'perturbed', sigma: 0.01 } },
    { steps: 30, lr: 0.1, batch: 6, noise: { kind: 'label', sigma: 0.05 } },
    { steps: 20, lr: 0.1 },
  ],
  seed: 3,
  recordEvery: 10,
};

const deep = {
  model: { kind: 'deep-linear', depth: 3, width: 4, init: { kind: 'gaussian', scale: 0.4 } },
  problem: { kind: 'sensing', target: [[1, 0, 0.5], [0, 1, 0], [0.5, 0.2, 1], [0.3, 1, 0]], measurements: { count: 30, nonzeros: 3 } },
  optimizer: [{ steps: 40, lr: 0.05, batch: 5, noise: { kind: 'anticorrelated', sigma: 0.01 } }, { steps: 20, lr: 0.05 }],
  lambda: 0.001,
  seed: 4,
  recordEvery: 10,
};

const CASES: Array<[string, object]> = [['two-factor', twoFactor], ['deep', deep]];

describe.each(CASES)('sparse sensing, %s model', (_name, config) => {
  it('the same bits on wasm and reference, and a checkpoint resumes to them', async () => {
    const [w, ref] = await Promise.all([run(config, { backend: 'wasm' }), run(config, { backend: 'reference' })]);
    expect(w.final).toEqual(ref.final);
    expect(w.history.at(-1)!.loss).toBeLessThan(w.history[0].loss); // it trains
    const whole = await Run.create(config, { backend: 'wasm' });
    whole.advance();
    const part = await Run.create(config, { backend: 'wasm' });
    part.advance(37);
    const ck = JSON.parse(JSON.stringify(part.checkpoint())) as Checkpoint;
    part.dispose();
    const resumed = await Run.resume(ck);
    resumed.advance();
    expect(Array.from(resumed.theta())).toEqual(Array.from(whole.theta()));
    resumed.dispose();
    whole.dispose();
  });
});

describe('sparse sensing sizes the session by N·s', () => {
  it('CSR buffers of N·s entries and no N·n·m one (two-factor and deep)', () => {
    const f = factorizationModel(validateConfig(twoFactor) as FactorizationConfig).sessionInput;
    const d = deepLinearModel(validateConfig(deep) as DeepLinearConfig).sessionInput;
    for (const [input, N, s] of [[f, 60, 8], [d, 30, 3]] as const) {
      const plan = new Map(sessionPlan(input).map((b) => [b.slot, b.length]));
      expect([plan.get(SLOT.SPTR), plan.get(SLOT.SIDX), plan.get(SLOT.SVAL)]).toEqual([N + 1, N * s, N * s]);
      expect(plan.has(SLOT.A)).toBe(false);
      expect(plan.has(SLOT.AB)).toBe(false);
    }
  });
});
