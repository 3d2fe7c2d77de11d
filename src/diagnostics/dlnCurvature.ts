import { dlnGradient } from '../backends/reference/dlnGradient.js';
import type { Seed } from '../config/types.js';
import { observedIndices } from '../problems/dln.js';
import { dot, hutchinson, powerIteration, type Hvp } from './hessian.js';

/**
 * Curvature of the full-batch deep-linear objective f(W) = (1/|Ω|) Σ_Ω (A − M)² + λ Σ‖W_l‖² (plain
 * f64, reports only): Hessian trace by Hutchinson and sharpness by power iteration.
 *
 * Unlike the two-factor model (exact products in hessian.ts), the Hessian-vector products here are
 * central differences of the exact full-batch gradient (the reference step's own arithmetic):
 *
 *   H v ≈ (∇f(θ + εv) − ∇f(θ − εv)) / 2ε,   ε = 1e−4 · ‖θ‖ / ‖v‖
 *
 * f is a polynomial of degree 2L in θ, so the truncation error is O(ε²‖v‖²·∇⁴f) — relative
 * (ε‖v‖/‖θ‖)² ≈ 1e−8 — and the rounding error ≈ 1e−16·‖∇f‖/(ε‖v‖) is also ~1e−12 relative at
 * this ε. Scaling ε with ‖θ‖ keeps both balanced at any weight scale; each product costs two
 * gradients (≈ 4 gemms per layer).
 */
export interface DlnObjective {
  dims: readonly number[];
  M: Float64Array;
  mask: ArrayLike<number>;
  lambda: number;
}

export interface DlnCurvature {
  /** Hutchinson estimate of tr ∇²f. */
  trace: number;
  /** The eigenvalue of ∇²f largest in magnitude (power iteration). */
  sharpness: number;
  /** Power iterations used (each one Hessian-vector product). */
  sharpnessIterations: number;
}

/** ∇f at θ into out, full batch, ridge included. */
export function dlnFullGradient(f: DlnObjective): (theta: Float64Array, out: Float64Array) => Float64Array {
  const g = dlnGradient(f.dims, f.M);
  const obs = observedIndices(f.mask);
  return (theta, out) => {
    g.dataGradient(theta, obs, 0, obs.length, out);
    for (let k = 0; k < out.length; k++) out[k] += 2 * f.lambda * theta[k];
    return out;
  };
}

/** A central-difference Hessian-vector product at θ (see above for ε). */
export function dlnHessianAt(f: DlnObjective, theta: Float64Array): Hvp {
  const grad = dlnFullGradient(f);
  const n = theta.length;
  const tp = new Float64Array(n);
  const tm = new Float64Array(n);
  const gm = new Float64Array(n);
  const normTheta = Math.sqrt(dot(theta, theta));
  return (v, out) => {
    const normV = Math.sqrt(dot(v, v));
    if (normV === 0) return out.fill(0);
    // At θ = 0 there is no scale to borrow: fall back to an absolute 1e−4.
    const eps = (1e-4 * (normTheta > 0 ? normTheta : 1)) / normV;
    for (let k = 0; k < n; k++) {
      tp[k] = theta[k] + eps * v[k];
      tm[k] = theta[k] - eps * v[k];
    }
    grad(tp, out);
    grad(tm, gm);
    for (let k = 0; k < n; k++) out[k] = (out[k] - gm[k]) / (2 * eps);
    return out;
  };
}

/**
 * Trace (`probes` Rademacher probes, stream "hutchinson:" + seed) and sharpness (power iteration to
 * a relative residual of 1e−6 — the differences' own accuracy is ~1e−8 — or `maxIterations`).
 */
export function dlnCurvature(
  f: DlnObjective, theta: Float64Array, opts: { probes: number; seed?: Seed; maxIterations?: number },
): DlnCurvature {
  const H = dlnHessianAt(f, theta);
  const top = powerIteration(H, theta.length, { tol: 1e-6, maxIterations: opts.maxIterations ?? 500, seed: opts.seed });
  return { trace: hutchinson(H, theta.length, opts.probes, opts.seed), sharpness: top.value, sharpnessIterations: top.iterations };
}
