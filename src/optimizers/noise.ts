import type { NoisePlacement } from '../backends/types.js';
import type { OptimizerConfig } from '../config/types.js';

/**
 * An optimizer kind as the step loop sees it: where the noise goes and its standard deviation per
 * factor (before the schedule's scale). The kinds are compositions of one loop, not separate loops:
 *   gd                 no noise (σ = 0; sigmaX/Y in the config only choose the prediction shown)
 *   perturbed-gd       evaluation point θ + σξ_t
 *   anticorrelated-gd  evaluation point θ + σ(ξ_t − ξ_{t−1})
 *   langevin           update θ⁺ = θ − η∇f + √(2η·temperature)·ξ_t (Euler–Maruyama for exp(−f/T))
 * Math.sqrt is correctly rounded in every engine, so σ is the same bits everywhere.
 */
export function noiseOf(opt: OptimizerConfig): { placement: NoisePlacement; sigmaX: number; sigmaY: number } {
  switch (opt.kind) {
    case 'gd':
      return { placement: 'evaluation', sigmaX: 0, sigmaY: 0 };
    case 'perturbed-gd':
      return { placement: 'evaluation', sigmaX: opt.sigmaX, sigmaY: opt.sigmaY };
    case 'anticorrelated-gd':
      return { placement: 'anticorrelated', sigmaX: opt.sigmaX, sigmaY: opt.sigmaY };
    case 'langevin': {
      const s = Math.sqrt(2 * opt.lr * (opt.temperature ?? 0));
      return { placement: 'update', sigmaX: s, sigmaY: s };
    }
  }
}
