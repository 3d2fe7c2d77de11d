import type { Measurements } from '../backends/types.js';
import { measure } from '../problems/measurements.js';
import { observedIndices } from '../problems/dln.js';

/**
 * Errors of an end-to-end matrix A on a matrix-completion problem (reports, never fed back into a
 * step; plain f64 sums in index order, so both backends report the same bits from the same A).
 */

/** Mean of (A_k − M_k)² over the observed flat indices. */
export function trainError(A: Float64Array, M: Float64Array, obs: Int32Array): number {
  let s = 0;
  for (let t = 0; t < obs.length; t++) {
    const d = A[obs[t]] - M[obs[t]];
    s += d * d;
  }
  return s / obs.length;
}

/**
 * Relative error on the entries the mask leaves unobserved: ‖(A − truth)|Ωᶜ‖ / ‖truth|Ωᶜ‖ (Frobenius
 * norms over Ωᶜ). This is the normalization of THEORY.md §2's fixture table: at `start` it gives
 * 0.6388 for D2 and 0.8324 for D1 (the table's 0.639 and 0.832), where the plain mean squared error
 * over Ωᶜ would give 0.463 and 0.685. NaN without truth, or when Ωᶜ is empty or truth is 0 on it.
 */
export function testError(A: Float64Array, truth: Float64Array | undefined, mask: ArrayLike<number>): number {
  if (!truth) return NaN;
  let num = 0;
  let den = 0;
  for (let k = 0; k < mask.length; k++) {
    if (mask[k] !== 0) continue;
    const d = A[k] - truth[k];
    num += d * d;
    den += truth[k] * truth[k];
  }
  return den > 0 ? Math.sqrt(num / den) : NaN;
}

/** Σ θ_k² over the whole parameter vector (= Σ_l ‖W_l‖²). */
export function sumSquares(theta: Float64Array): number {
  let s = 0;
  for (let k = 0; k < theta.length; k++) s += theta[k] * theta[k];
  return s;
}

/** Full-batch regularized loss (1/|Ω|) Σ_Ω (A − M)² + λ Σ‖W_l‖². */
export function dlnLoss(A: Float64Array, M: Float64Array, obs: Int32Array, theta: Float64Array, lambda: number): number {
  return trainError(A, M, obs) + lambda * sumSquares(theta);
}

/**
 * The reports of a deep-linear session, the same code for both backends. Completion: the functions
 * above over Ω. Sensing (input.sensing): trainError = (1/N) Σ_i (⟨A_i, A⟩ − y_i)², so loss() is
 * the full sensing loss ½ Σ_i r_i² plus the ridge; testError = ‖A − M‖ / ‖M‖ over every entry.
 */
export function dlnReports(input: {
  M: Float64Array; mask: ArrayLike<number>; truth?: Float64Array; lambda: number; sensing?: Measurements;
}): {
  loss(A: Float64Array, theta: Float64Array): number; trainError(A: Float64Array): number; testError(A: Float64Array): number;
} {
  const M = Float64Array.from(input.M);
  const { lambda } = input;
  if (input.sensing) {
    const sensing = input.sensing;
    const { y } = sensing;
    const N = y.length;
    const nm = M.length;
    const half = (A: Float64Array) => {
      let s = 0;
      for (let i = 0; i < N; i++) s += (measure(sensing, i, A) - y[i]) ** 2;
      return 0.5 * s;
    };
    const everywhere = new Float64Array(nm); // testError over "unobserved" = every entry
    return {
      loss: (A, theta) => half(A) + lambda * sumSquares(theta),
      trainError: (A) => (2 * half(A)) / N,
      testError: (A) => testError(A, M, everywhere),
    };
  }
  const mask = Array.from(input.mask);
  const obs = observedIndices(mask);
  const truth = input.truth && Float64Array.from(input.truth);
  return {
    loss: (A, theta) => dlnLoss(A, M, obs, theta, lambda),
    trainError: (A) => trainError(A, M, obs),
    testError: (A) => testError(A, truth, mask),
  };
}
