import { expect, it } from 'vitest';
import { noiseZoo, type NoiseZooRow } from '../../src/presets/noiseZoo.js';

it('noise-zoo (quick): both perturbations pick the flattest minimum, GD and Langevin do not', async () => {
  const out = await noiseZoo.run({ quick: true });
  const { runs, c2, flattestTrace } = out.json as { runs: NoiseZooRow[]; c2: number; flattestTrace: number };
  expect(c2).toBeCloseTo(1.5, 12); // isotropic noise: c² = n/m
  const of = (method: string) => runs.filter((r) => r.method === method);
  for (const r of runs) expect(r.residual).toBeLessThan(1e-3); // every run ends on (or next to) a global minimum
  for (const r of [...of('perturbed GD'), ...of('anticorrelated GD')]) {
    expect(Math.abs(r.ratio / c2 - 1)).toBeLessThan(0.12);
    expect(r.trace / flattestTrace - 1).toBeLessThan(5e-3);
  }
  for (const r of [...of('GD'), ...of('Langevin')]) {
    expect(r.ratio / c2).toBeGreaterThan(3);
    expect(r.trace / flattestTrace - 1).toBeGreaterThan(0.3);
  }
  expect(out.csv['noise-zoo'].split('\n')[0]).toBe('method,seed,ratio,trace,sharpness,dX,residual');
  expect(Object.keys(out.svg).sort()).toEqual(['noise-zoo-ratio', 'noise-zoo-trace']);
});
