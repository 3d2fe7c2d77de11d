import { expect, it } from 'vitest';
import { largeLrBalance } from '../../src/presets/largeLrBalance.js';

it('large-lr-balance (quick): a large step ends flatter and more balanced than a small one, below 2/η', async () => {
  const out = await largeLrBalance.run({ quick: true });
  const { runs, belowBound, initialRatio } = out.json as {
    runs: Array<{ lr: number; ratio: number; sharpness: number; stabilityBound: number; loss: number }>;
    belowBound: boolean;
    initialRatio: number;
  };
  expect(belowBound).toBe(true);
  for (const r of runs) expect(r.loss).toBeLessThan(1e-4); // every run reached a global minimum
  const small = runs[0];
  const large = runs[runs.length - 1];
  // The small step keeps most of the initial imbalance (gradient flow conserves ‖x‖² − ‖y‖²).
  expect(small.ratio).toBeGreaterThan(0.8 * initialRatio);
  expect(Math.abs(Math.log(large.ratio))).toBeLessThan(0.5 * Math.abs(Math.log(small.ratio)));
  expect(large.sharpness).toBeLessThan(0.5 * small.sharpness);
  // At a rank-1 minimum the sharpness is ‖x‖² + ‖y‖² ≥ 2σ = 2.
  for (const r of runs) expect(r.sharpness).toBeGreaterThanOrEqual(2 - 1e-6);
  expect(Object.keys(out.svg).sort()).toEqual(['large-lr-ratio', 'large-lr-sharpness']);
});
