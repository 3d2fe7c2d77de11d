import type { ScaleSchedule } from '../config/types.js';
import { exp, log } from '../math/detmath.js';

/**
 * A phase's noise scale → the step loop's form: the multiplier is scale0·mul^t at the phase's t-th
 * step. `[from, to]` decays geometrically: mul = (to/from)^(1/steps), so the last step of the phase
 * uses from·mul^(steps−1) and a next phase would start at `to`. The ratio is computed with the
 * deterministic exp/log: Math.pow differs between engines.
 */
export function compileScale(scale: ScaleSchedule, steps = 1): { scale0: number; mul: number } {
  if (typeof scale === 'number') return { scale0: scale, mul: 1 };
  const [from, to] = scale;
  return { scale0: from, mul: from === to ? 1 : exp(log(to / from) / steps) };
}
