import type { DlnNoise, NoisePlacement } from '../backends/types.js';
import type { DlnNoiseConfig } from '../config/dlnNoise.js';
import type { OptimizerConfig } from '../config/types.js';

/**
 * Langevin's σ = √(2η·T): Euler–Maruyama for exp(−f/T). Math.sqrt is correctly rounded in every
 * engine, so σ is the same bits everywhere.
 */
export function langevinSigma(lr: number, temperature: number): number {
  return Math.sqrt(2 * lr * temperature);
}

/**
 * An optimizer kind as the step loop sees it: where the noise goes and its standard deviation per
 * factor (before the schedule's scale). The kinds are compositions of one loop, not separate loops:
 *   gd                 no noise (σ = 0; sigmaX/Y in the config only choose the prediction shown)
 *   perturbed-gd       evaluation point θ + σξ_t
 *   anticorrelated-gd  evaluation point θ + σ(ξ_t − ξ_{t−1})
 *   langevin           update θ⁺ = θ − η∇f + √(2η·temperature)·ξ_t
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
      const s = langevinSigma(opt.lr, opt.temperature ?? 0);
      return { placement: 'update', sigmaX: s, sigmaY: s };
    }
  }
}

/** A deep-linear phase's noise as the step loop sees it (per-layer σ; Langevin: √(2ηT) on every layer). */
export function dlnNoiseOf(noise: DlnNoiseConfig | undefined, lr: number, depth: number): DlnNoise | undefined {
  if (!noise) return undefined;
  if (noise.kind === 'langevin') return { placement: 'update', sigma: Array.from({ length: depth }, () => langevinSigma(lr, noise.temperature)) };
  return { placement: noise.kind === 'perturbed' ? 'evaluation' : 'anticorrelated', sigma: noise.sigma };
}
