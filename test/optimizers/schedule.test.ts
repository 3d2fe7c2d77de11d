import { describe, expect, it } from 'vitest';
import { compileSchedule, totalSteps } from '../../src/optimizers/schedule.js';

describe('noise schedule', () => {
  it('constant phases keep their scale', () => {
    expect(compileSchedule([{ steps: 10, scale: 0.5 }, { steps: 3, scale: 0 }])).toEqual([
      { steps: 10, scale0: 0.5, mul: 1 },
      { steps: 3, scale0: 0, mul: 1 },
    ]);
  });

  it('[from, to] decays geometrically: from·mul^steps = to', () => {
    const [p] = compileSchedule([{ steps: 50_000, scale: [1, 0.1] }]);
    expect(p.scale0).toBe(1);
    let s = p.scale0;
    for (let t = 0; t < p.steps; t++) s *= p.mul;
    expect(s).toBeCloseTo(0.1, 9);
    // Frozen bits: the ratio comes from the deterministic exp/log, not the engine's Math.pow.
    expect(p.mul).toBe(0.9999539493585035);
    expect(Math.abs(p.mul - Math.pow(0.1, 1 / 50_000))).toBeLessThan(1e-15);
  });

  it('totalSteps adds the phases', () => {
    expect(totalSteps([{ steps: 10_000, scale: 1 }, { steps: 50_000, scale: [1, 0.1] }, { steps: 10_000, scale: 0 }])).toBe(70_000);
  });
});
