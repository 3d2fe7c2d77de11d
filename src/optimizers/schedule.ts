import type { Phase } from '../config/types.js';
import { exp, log } from '../math/detmath.js';

/** A phase as the step loop sees it: the noise multiplier is scale0·mul^t at the phase's t-th step. */
export interface CompiledPhase {
  steps: number;
  scale0: number;
  mul: number;
}

/**
 * Noise schedule → constant-ratio phases. `[from, to]` decays geometrically: mul = (to/from)^(1/steps),
 * so the last step of the phase uses from·mul^(steps−1) and the next phase would start at `to`.
 * The ratio is computed with the deterministic exp/log: Math.pow differs between engines.
 */
export function compileSchedule(schedule: Phase[]): CompiledPhase[] {
  return schedule.map(({ steps, scale }) => {
    if (typeof scale === 'number') return { steps, scale0: scale, mul: 1 };
    const [from, to] = scale;
    return { steps, scale0: from, mul: from === to ? 1 : exp(log(to / from) / steps) };
  });
}

export function totalSteps(schedule: Phase[]): number {
  return schedule.reduce((s, p) => s + p.steps, 0);
}
