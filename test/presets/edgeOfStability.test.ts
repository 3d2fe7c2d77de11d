import { expect, it } from 'vitest';
import '../../src/node.js';
import { edgeOfStability } from '../../src/presets/edgeOfStability.js';

it('edge-of-stability (quick): GD at η = 0.9 keeps its sharpness within 10% of 2/η over the last half; η = 0.1 sharpens past it', async () => {
  const out = await edgeOfStability.run({ quick: true });
  const { runs, within10 } = out.json as {
    within10: boolean;
    runs: Array<{ lr: number; stabilityBound: number; finalSharpness: number; finalLoss: number; lastHalf: { min: number; max: number }; history: Array<{ sharpness: number }> }>;
  };
  const [large, small] = runs;
  expect(within10).toBe(true);
  expect(large.lastHalf.min).toBeGreaterThanOrEqual(0.9);
  expect(large.lastHalf.max).toBeLessThanOrEqual(1.1);
  // Progressive sharpening: below 2/η at the start, and it converged (a minimum, not an orbit).
  expect(large.history[0].sharpness).toBeLessThan(0.95 * large.stabilityBound);
  expect(large.finalLoss).toBeLessThan(1e-8);
  // Gradient flow's minimum is sharper than the large step's bound by > 10%.
  expect(small.finalSharpness).toBeGreaterThan(1.1 * large.stabilityBound);
  expect(Object.keys(out.svg)).toEqual(['edge-of-stability']);
  expect(out.summary).toContain('within 10%: yes');
});
