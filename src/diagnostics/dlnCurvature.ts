import type { Measurements } from '../backends/types.js';
import type { Seed } from '../config/types.js';
import { dlnHvpAt, deepLinearLoss } from './dlnHvp.js';
import { hutchinson, powerIteration, type Hvp } from './hessian.js';
import { curvature, type Curvature, type CurvatureOptions } from './spectrum.js';

/**
 * Curvature of the full-batch deep-linear objective f(W) = ℓ(A) + λ Σ‖W_l‖² (plain f64, reports
 * only), ℓ the completion loss (1/|Ω|) Σ_Ω (A − M)² or, with `sensing`, ½ Σ (⟨A_i, A⟩ − y_i)².
 * Hessian-vector products are exact (forward-over-reverse, src/diagnostics/dlnHvp.ts); they
 * replaced central differences of the gradient, which were good to ~1e−8 and cost two gradients.
 */
export interface DlnObjective {
  dims: readonly number[];
  M: Float64Array;
  mask: ArrayLike<number>;
  lambda: number;
  sensing?: Measurements;
}

export interface DlnCurvature {
  /** Hutchinson estimate of tr ∇²f. */
  trace: number;
  /** The eigenvalue of ∇²f largest in magnitude (power iteration). */
  sharpness: number;
  /** Power iterations used (each one Hessian-vector product). */
  sharpnessIterations: number;
}

/** The exact Hessian-vector product at θ. */
export function dlnHessianAt(f: DlnObjective, theta: Float64Array): Hvp {
  return dlnHvpAt({ dims: f.dims, loss: deepLinearLoss(f), lambda: f.lambda }, theta);
}

/**
 * Trace (`probes` Rademacher probes, stream "hutchinson:" + seed) and sharpness (power iteration to
 * a relative residual of 1e−6, or `maxIterations`).
 */
export function dlnCurvature(
  f: DlnObjective, theta: Float64Array, opts: { probes: number; seed?: Seed; maxIterations?: number },
): DlnCurvature {
  const H = dlnHessianAt(f, theta);
  const top = powerIteration(H, theta.length, { tol: 1e-6, maxIterations: opts.maxIterations ?? 500, seed: opts.seed });
  return { trace: hutchinson(H, theta.length, opts.probes, opts.seed), sharpness: top.value, sharpnessIterations: top.iterations };
}

/** The full spectral report (top-k, min, trace ± error, density; src/diagnostics/spectrum.ts) at θ. */
export function dlnSpectrum(f: DlnObjective, theta: Float64Array, options: CurvatureOptions, seed: Seed): Curvature {
  return curvature(dlnHessianAt(f, theta), theta.length, options, seed);
}
