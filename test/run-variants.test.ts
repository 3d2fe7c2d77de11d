import { describe, expect, it } from 'vitest';
import { Run, run as runAny, type FactorizationResult, type RunOptions } from '../src/run.js';

// Two-factor runs: the result and the Run typed as such (configs here are loose objects).
const run = (c: unknown, o?: RunOptions) => runAny(c, o) as Promise<FactorizationResult>;
const FactorizationRun = { create: (c: unknown, o?: RunOptions) => Run.create(c, o) as Promise<Run<FactorizationResult>> };
type RunResult = FactorizationResult;

// Whole runs of the new losses and noise kinds through the config: wasm and reference write the
// same bits, and anticorrelated-gd resumes from a JSON checkpoint to the uninterrupted bits.

const target = { random: { n: 12, m: 9, singularValues: [2, 1], seed: 't' } };
const VARIANTS: Array<[string, Record<string, unknown>, Record<string, unknown>]> = [
  ['completion, perturbed-gd', { loss: { kind: 'completion', fraction: 0.6 } }, { kind: 'perturbed-gd', lr: 0.3, steps: 400 }],
  ['sensing + ridge, anticorrelated-gd', { loss: { kind: 'sensing', measurements: 80 }, lambda: 0.001 }, { kind: 'anticorrelated-gd', lr: 0.02, steps: 400 }],
  ['full + ridge, langevin', { lambda: 0.01 }, { kind: 'langevin', lr: 0.02, temperature: 1e-4, steps: 400 }],
];

describe.each(VARIANTS)('%s', (_name, problem, optimizer) => {
  const cfg = { problem: { target, rank: 3, ...problem }, optimizer, seed: 5, recordEvery: 50 };
  it('wasm and reference give the same bits, in f64 and f32; the objective decreases', async () => {
    for (const precision of ['f64', 'f32'] as const) {
      const [a, b] = await Promise.all([run({ ...cfg, precision }), run({ ...cfg, precision, backend: 'reference' })]);
      expect(JSON.stringify(a.final)).toBe(JSON.stringify(b.final));
      expect(a.history).toEqual(b.history);
      expect(a.history.at(-1)!.loss).toBeLessThan(0.5 * a.history[0].loss);
    }
  });

  it('checkpoint → JSON → resume reaches the uninterrupted bits', async () => {
    const whole = await run(cfg);
    const first = await FactorizationRun.create(cfg);
    first.advance(130);
    const saved = JSON.parse(JSON.stringify(first.checkpoint()));
    first.dispose();
    expect('prevNoise' in saved).toBe(optimizer.kind === 'anticorrelated-gd');
    const second = await FactorizationRun.create(cfg, { resume: saved, backend: 'reference' });
    second.advance();
    expect(JSON.stringify(second.result().final)).toBe(JSON.stringify(whole.final));
    second.dispose();
  });
});

it('an anticorrelated-gd checkpoint without ξ_{t−1} is a typed error naming it', async () => {
  const cfg = { problem: { target, rank: 2 }, optimizer: { kind: 'anticorrelated-gd', lr: 0.01, steps: 20 } };
  const first = await FactorizationRun.create(cfg);
  first.advance(10);
  const { prevNoise: _, ...ck } = first.checkpoint();
  first.dispose();
  await expect(FactorizationRun.create(cfg, { resume: ck as never })).rejects.toMatchObject({ code: 'TYPE', path: 'resume.prevNoise' });
});
