import { expect, it } from 'vitest';
import { flatSeekers, type FlatSeekersRow } from '../../src/presets/flatSeekers.js';

it('flat-seekers (quick): perturbations and label noise reach the flattest minimum and test better, SAM goes part-way, GD and Langevin do not', async () => {
  const out = await flatSeekers.run({ quick: true });
  const { runs, c2, flattestTrace } = out.json as { runs: FlatSeekersRow[]; c2: number; flattestTrace: number };
  expect(c2).toBeCloseTo(1.5, 12); // isotropic noise: c² = n/m
  const of = (method: string) => runs.filter((r) => r.method === method);
  const mean = (method: string, f: (r: FlatSeekersRow) => number) => of(method).reduce((s, r) => s + f(r), 0) / of(method).length;
  for (const r of runs) expect(r.residual).toBeLessThan(1e-3); // every run ends on (or next to) a global minimum
  const seekers = ['perturbed GD', 'anticorrelated GD', 'label-noise GD'];
  for (const r of seekers.flatMap(of)) {
    expect(Math.abs(r.ratio / c2 - 1)).toBeLessThan(0.12);
    expect(r.trace / flattestTrace - 1).toBeLessThan(5e-3);
  }
  for (const r of [...of('GD'), ...of('Langevin')]) {
    expect(r.ratio / c2).toBeGreaterThan(3);
    expect(r.trace / flattestTrace - 1).toBeGreaterThan(0.3);
  }
  // Full-batch SAM flattens at second order only: lower trace and top eigenvalue than GD, not the flattest.
  for (const [sam, gd] of of('SAM').map((r, i) => [r, of('GD')[i]] as const)) {
    expect(sam.trace).toBeLessThan(gd.trace);
    expect(sam.sharpness).toBeLessThan(0.7 * gd.sharpness);
    expect(sam.trace / flattestTrace - 1).toBeGreaterThan(0.05);
  }
  // Flatter minima of the over-parameterized completion generalize better than GD's.
  for (const m of seekers) expect(mean(m, (r) => r.testError)).toBeLessThan(0.8 * mean('GD', (r) => r.testError));
  expect(out.csv['flat-seekers'].split('\n')[0]).toBe('method,seed,ratio,trace,sharpness,dX,residual,testError');
  expect(Object.keys(out.svg)).toEqual(['flat-seekers']);
  expect(out.svg['flat-seekers']).toContain('label-noise GD');
}, 60_000);
