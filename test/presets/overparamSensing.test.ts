import { expect, it } from 'vitest';
import { overparamSensing } from '../../src/presets/overparamSensing.js';

interface Rate { name: string; finalError: number; stepTo1e6: number | null; exponentialRate: number; logLogSlope: number }

it('overparam-sensing (quick): X Xᵀ linear at k = r, polynomial (error ∝ 1/T) at k > r; X Yᵀ linear at k > r, slower for smaller α', async () => {
  const out = await overparamSensing.run({ quick: true });
  const { rates, claims } = out.json as { rates: Rate[]; claims: Record<string, boolean> };
  const [exact, over, asymHi, asymLo] = rates;
  expect(claims).toEqual({ exactRankLinear: true, overSymmetricSublinear: true, asymmetricLinear: true, smallerAlphaSlower: true });
  expect(exact.finalError).toBeLessThan(1e-9);
  // k > r: error ∝ T^−1 (loss ∝ T^−2) over the last half, far from converged.
  expect(over.logLogSlope).toBeGreaterThan(-1.3);
  expect(over.logLogSlope).toBeLessThan(-0.7);
  expect(over.finalError).toBeGreaterThan(1e-4);
  // Asymmetric: both still shrink geometrically; the rate scales roughly with α² (ratio 1/4 here).
  expect(asymHi.stepTo1e6).not.toBeNull();
  expect(asymLo.exponentialRate / asymHi.exponentialRate).toBeGreaterThan(0.1);
  expect(asymLo.exponentialRate / asymHi.exponentialRate).toBeLessThan(0.5);
  expect(out.summary).not.toContain('NO');
  expect(out.svg.errors).toMatch(/<svg[\s\S]*<\/svg>\s*$/);
  expect(out.csv.errors.split('\n')[0]).toBe('step,symmetric_k2,symmetric_k4,asymmetric_k4_alpha0.5,asymmetric_k4_alpha0.25');
});
