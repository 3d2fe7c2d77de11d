import type { NoiseKind, SessionStepParams } from '../../src/backends/types.js';

// The phases that take a deep-linear session through every step it has, shared by the deep
// completion suite (test/backends/dln-sparse.test.ts) and the bit-hash job of bench/dlnSparse.ts,
// so both check the same runs. No vitest import here: the bench bundles this module.

/** σ per layer of an L-layer network: s, s/2, s/3, … */
export const layerSigmas = (L: number, s: number): number[] => Array.from({ length: L }, (_, b) => s / (b + 1));

/**
 * Full-batch and batch-4 GD, then every noise kind twice: batch 3 with a geometric noise scale, and
 * full batch as if 30 steps into its phase (annealed noise's t starts there).
 */
export function everyNoisePhases(L: number): SessionStepParams[] {
  const out: SessionStepParams[] = [{ lr: 0.1, scale: 1, scaleMul: 1 }, { lr: 0.1, batch: 4, scale: 1, scaleMul: 1 }];
  for (const kind of ['perturbed', 'anticorrelated', 'langevin', 'sam', 'asam', 'label', 'annealed'] as NoiseKind[]) {
    out.push({ lr: 0.1, batch: 3, noise: { kind, sigma: layerSigmas(L, 0.04), gamma: 0.5 }, scale: 1, scaleMul: 0.99 });
    out.push({ lr: 0.1, noise: { kind, sigma: layerSigmas(L, 0.04), gamma: 0.5 }, scale: 1, scaleMul: 1, step: 30 });
  }
  return out;
}
