import { describe, expect, it } from 'vitest';
import { totalSteps } from '../../src/config/optimizer.js';
import { compileScale } from '../../src/optimizers/schedule.js';

describe('noise scale schedule', () => {
  it('a constant scale keeps its value', () => {
    expect(compileScale(0.5, 10)).toEqual({ scale0: 0.5, mul: 1 });
    expect(compileScale(0, 3)).toEqual({ scale0: 0, mul: 1 });
  });

  it('[from, to] decays geometrically: from·mul^steps = to', () => {
    const steps = 50_000;
    const p = compileScale([1, 0.1], steps);
    expect(p.scale0).toBe(1);
    let s = p.scale0;
    for (let t = 0; t < steps; t++) s *= p.mul;
    expect(s).toBeCloseTo(0.1, 9);
    // Frozen bits: the ratio comes from the deterministic exp/log, not the engine's Math.pow.
    expect(p.mul).toBe(0.9999539493585035);
    expect(Math.abs(p.mul - Math.pow(0.1, 1 / 50_000))).toBeLessThan(1e-15);
  });

  it('totalSteps adds the phases', () => {
    expect(totalSteps([{ steps: 10_000 }, { steps: 50_000 }, { steps: 10_000 }])).toBe(70_000);
  });
});
