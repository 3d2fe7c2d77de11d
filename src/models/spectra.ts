import type { CurvatureConfig, Seed } from '../config/types.js';
import { curvature, type Curvature } from '../diagnostics/spectrum.js';
import { FlatminError } from '../errors.js';
import type { SymOperator } from '../linalg/lanczos.js';

/**
 * The `diagnostics.curvature` report of either model (src/config/types.ts CurvatureConfig): the
 * spectrum of the full-batch objective's Hessian at a recording whose step is a multiple of
 * `every`, and at the final iterate. The Hessian-vector products are the models' exact plain-f64
 * ones (src/diagnostics/hessian.ts, dlnHvp.ts) at the session's θ, which is the same on every
 * backend, so the report is too. Seeded from "<config seed>:<step>": the same run gives the same
 * numbers, and two recordings draw independent probes.
 */
export interface Spectra {
  /** The report at a recording, if `every` asks for one at this step. */
  at(step: number, theta: Float64Array): Curvature | undefined;
  /** The report at the final iterate (reusing the last recording's when it is at the same step); undefined if θ is not finite. */
  final(step: number, theta: Float64Array, last?: { step: number; curvature?: unknown }): Curvature | undefined;
}

export function spectra(config: CurvatureConfig, seed: Seed, hvpAt: (theta: Float64Array) => SymOperator): Spectra {
  // A blown-up iterate (finite weights, non-finite products) has no spectrum: the run layer's
  // divergence check, not a curvature error, is what should report it.
  const report = (step: number, theta: Float64Array): Curvature | undefined => {
    try {
      return curvature(hvpAt(theta), theta.length, config, `${seed}:${step}`);
    } catch (e) {
      if (e instanceof FlatminError && e.code === 'NOT_FINITE') return undefined;
      throw e;
    }
  };
  const every = config.every;
  return {
    at: (step, theta) => (every !== undefined && step % every === 0 ? report(step, theta) : undefined),
    final(step, theta, last) {
      if (last?.step === step && last.curvature !== undefined && every !== undefined && step % every === 0) return last.curvature as Curvature;
      return theta.every(Number.isFinite) ? report(step, theta) : undefined;
    },
  };
}

export type { Curvature };
