import { matmulNN, matmulNT, matmulTN } from '../linalg/kernels.js';
import type { Seed } from '../config/types.js';
import { endToEnd, type LossOfW } from '../problems/losses.js';
import { dot } from '../linalg/vector.js';
import { gaussians, seedGaussian } from '../random/gaussian.js';
import { hutchinson as hutchinsonEstimate } from './trace.js';

/**
 * Curvature of the two-factor objective f(X, Y) = ℓ(XYᵀ) + λ(‖X‖² + ‖Y‖²) at θ = [X | Y] (plain
 * f64, reports only): gradient, exact Hessian-vector products, the Hessian trace (closed form for
 * the full target, Hutchinson in general) and the sharpness (top eigenvalue, power iteration).
 *
 * Hessian-vector products use the exact formula, not differences of gradients: ℓ is quadratic in
 * W, so with W = XYᵀ, G = ∇ℓ(W), D = UYᵀ + XVᵀ (the directional derivative of W along (U, V)),
 *
 *   ∇²f · (U, V) = ( ∇²ℓ[D] Y + G V + 2λU ,  ∇²ℓ[D]ᵀ X + Gᵀ U + 2λV )
 *
 * which costs a few n×m×r products (sensing: N·n·m more) and has no step size to tune.
 */
export interface TwoFactor {
  loss: LossOfW;
  lambda: number;
  n: number;
  m: number;
  r: number;
}

/** [∇_X f | ∇_Y f] at θ into out. */
export function gradient(f: TwoFactor, theta: Float64Array, out: Float64Array): Float64Array {
  const { n, m, r } = f;
  const nr = n * r;
  const G = new Float64Array(n * m);
  f.loss.grad(endToEnd(new Float64Array(n * m), theta, n, m, r), G);
  matmulNN(out.subarray(0, nr), G, theta.subarray(nr), n, r, m);
  matmulTN(out.subarray(nr), G, theta.subarray(0, nr), m, r, n);
  for (let k = 0; k < out.length; k++) out[k] += 2 * f.lambda * theta[k];
  return out;
}

/** A Hessian-vector product operator at θ (W and ∇ℓ(W) computed once, reused by every product). */
export function hessianAt(f: TwoFactor, theta: Float64Array): (v: Float64Array, out: Float64Array) => Float64Array {
  const { n, m, r } = f;
  const nm = n * m;
  const nr = n * r;
  const X = theta.subarray(0, nr);
  const Y = theta.subarray(nr);
  const G = new Float64Array(nm);
  f.loss.grad(endToEnd(new Float64Array(nm), theta, n, m, r), G);
  const D = new Float64Array(nm);
  const D2 = new Float64Array(nm);
  const HD = new Float64Array(nm);
  const t = new Float64Array(Math.max(nr, m * r));
  return (v, out) => {
    const U = v.subarray(0, nr);
    const V = v.subarray(nr);
    matmulNT(D, U, Y, n, m, r);
    matmulNT(D2, X, V, n, m, r);
    for (let k = 0; k < nm; k++) D[k] += D2[k];
    f.loss.hess(D, HD);
    const oX = out.subarray(0, nr);
    const oY = out.subarray(nr);
    matmulNN(oX, HD, Y, n, r, m);
    matmulNN(t.subarray(0, nr), G, V, n, r, m);
    for (let k = 0; k < nr; k++) oX[k] += t[k];
    matmulTN(oY, HD, X, m, r, n);
    matmulTN(t.subarray(0, m * r), G, U, m, r, n);
    for (let k = 0; k < m * r; k++) oY[k] += t[k];
    for (let k = 0; k < out.length; k++) out[k] += 2 * f.lambda * v[k];
    return out;
  };
}

/**
 * tr ∇²f for the full target ½‖XYᵀ − M‖² + λ(‖X‖² + ‖Y‖²), at any point (THEORY.md §1):
 * ∂²f/∂X_ic² = Σ_j Y_jc², so the trace is n‖Y‖² + m‖X‖² (+ 2λ(n + m)r); M does not enter.
 */
export function fullTargetTrace(theta: Float64Array, n: number, m: number, r: number, lambda = 0): number {
  let x2 = 0;
  let y2 = 0;
  for (let k = 0; k < n * r; k++) x2 += theta[k] * theta[k];
  for (let k = n * r; k < theta.length; k++) y2 += theta[k] * theta[k];
  return n * y2 + m * x2 + 2 * lambda * (n + m) * r;
}

/** A Hessian-vector product: out = H·v, returns out. */
export type Hvp = (v: Float64Array, out: Float64Array) => Float64Array;

/**
 * Hutchinson's estimator tr H ≈ (1/p) Σ_j z_jᵀ H z_j with Rademacher probes z_j (entries ±1 from
 * lane 0 of the "hutchinson:" + seed stream): unbiased, variance 2 Σ_{k≠l} H_kl² / p.
 */
export function hutchinsonTrace(f: TwoFactor, theta: Float64Array, probes: number, seed: Seed = 0): number {
  return hutchinson(hessianAt(f, theta), theta.length, probes, seed);
}

/** Hutchinson's estimator for any Hessian-vector product on vectors of this length (./trace.ts, stream "hutchinson:" + seed). */
export function hutchinson(H: Hvp, length: number, probes: number, seed: Seed = 0): number {
  return hutchinsonEstimate(H, length, probes, seedGaussian(`hutchinson:${seed}`)).trace;
}

export interface PowerOptions {
  maxIterations?: number;
  tol?: number;
  seed?: Seed;
}

/**
 * Sharpness: the eigenvalue of ∇²f largest in magnitude (the top one at a minimum, where ∇²f ⪰ 0),
 * by power iteration from a Gaussian start ("sharpness:" + seed). It stops when the residual
 * ‖Hv − λv‖ (v unit, λ = vᵀHv) is below tol·|λ|: then λ is within tol·|λ| of an eigenvalue, and
 * the error of the Rayleigh quotient is of order the residual squared over the spectral gap.
 * Convergence goes as (λ₂/λ₁)^k: slow when the top two eigenvalues are close (a very imbalanced
 * rank-1 minimum has λ₁ = ‖x‖² + ‖y‖² and λ₂ = max(‖x‖², ‖y‖²)); `iterations` reports the cost.
 */
export function sharpness(f: TwoFactor, theta: Float64Array, opts: PowerOptions = {}): { value: number; iterations: number } {
  return powerIteration(hessianAt(f, theta), theta.length, opts);
}

/** Power iteration for any Hessian-vector product (see sharpness). */
export function powerIteration(H: Hvp, length: number, opts: PowerOptions = {}): { value: number; iterations: number } {
  const { maxIterations = 2000, tol = 1e-7, seed = 0 } = opts;
  let v: Float64Array = gaussians(length, seedGaussian(`sharpness:${seed}`));
  let Hv: Float64Array = new Float64Array(length);
  scaleTo1(v);
  let value = 0;
  for (let it = 1; it <= maxIterations; it++) {
    H(v, Hv);
    value = dot(v, Hv);
    const norm = scaleTo1(Hv);
    if (norm === 0) return { value: 0, iterations: it };
    if (Math.sqrt(Math.max(0, norm * norm - value * value)) <= tol * Math.abs(value)) return { value, iterations: it };
    [v, Hv] = [Hv, v];
  }
  return { value, iterations: maxIterations };
}

export { dot };

/** Normalizes v in place; returns its former norm. */
function scaleTo1(v: Float64Array): number {
  const norm = Math.sqrt(dot(v, v));
  if (norm > 0) for (let k = 0; k < v.length; k++) v[k] /= norm;
  return norm;
}
