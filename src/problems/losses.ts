import type { FactorizationLoss } from '../backends/types.js';
import type { LossConfig, Seed } from '../config/types.js';
import type { Round } from '../math/round.js';
import { fromRows, type Matrix } from '../linalg/matrix.js';
import { addMeasurement, buildMeasurements, measure } from './measurements.js';
import { observedIndices } from './dln.js';
import { fractionObserved } from './observed.js';
import { cooObserved } from '../config/observations.js';

/**
 * The two-factor losses as functions of the end-to-end matrix W = XYᵀ (n×m, row-major), in plain
 * f64: for reports and diagnostics (src/diagnostics/hessian.ts), never fed back into a step. The
 * step's own arithmetic lives in the backends; the set-up here (sensing matrices, completion
 * weights) is shared by both, so they start from the same bits.
 */
export interface LossOfW {
  /** ℓ(W). */
  value(W: Float64Array): number;
  /** ∇ℓ(W) into out (n×m). */
  grad(W: Float64Array, out: Float64Array): void;
  /** ∇²ℓ · D into out: ℓ is quadratic, so this does not depend on W. */
  hess(D: Float64Array, out: Float64Array): void;
}

/** What minibatches are drawn from: the observed flat indices (ascending) or the measurement numbers. */
export function batchUniverse(loss: FactorizationLoss): Int32Array {
  if (loss.kind === 'completion') return observedIndices(loss.mask);
  if (loss.kind === 'sensing') return Int32Array.from({ length: loss.y.length }, (_, i) => i);
  return new Int32Array(0);
}

export function observedCount(mask: ArrayLike<number>): number {
  let c = 0;
  for (let k = 0; k < mask.length; k++) if (mask[k] !== 0) c++;
  return c;
}

export function lossOfW(loss: FactorizationLoss, M: Float64Array): LossOfW {
  const nm = M.length;
  switch (loss.kind) {
    case 'full':
      return {
        value: (W) => {
          let s = 0;
          for (let k = 0; k < nm; k++) s += (W[k] - M[k]) ** 2;
          return 0.5 * s;
        },
        grad: (W, out) => {
          for (let k = 0; k < nm; k++) out[k] = W[k] - M[k];
        },
        hess: (D, out) => out.set(D),
      };
    case 'completion': {
      const mask = loss.mask;
      const c = 1 / observedCount(mask);
      return {
        value: (W) => {
          let s = 0;
          for (let k = 0; k < nm; k++) if (mask[k] !== 0) s += (W[k] - M[k]) ** 2;
          return c * s;
        },
        grad: (W, out) => {
          for (let k = 0; k < nm; k++) out[k] = mask[k] !== 0 ? 2 * c * (W[k] - M[k]) : 0;
        },
        hess: (D, out) => {
          for (let k = 0; k < nm; k++) out[k] = mask[k] !== 0 ? 2 * c * D[k] : 0;
        },
      };
    }
    case 'sensing': {
      const y = loss.y;
      const N = y.length;
      // Σ_i coef_i A_i into out, with coef_i = ⟨A_i, V⟩ − shift_i (dense or sparse A: ./measurements.ts).
      const adjoint = (V: Float64Array, shift: Float64Array | undefined, out: Float64Array) => {
        out.fill(0);
        for (let i = 0; i < N; i++) addMeasurement(loss, i, measure(loss, i, V) - (shift ? shift[i] : 0), out);
      };
      return {
        value: (W) => {
          let s = 0;
          for (let i = 0; i < N; i++) s += (measure(loss, i, W) - y[i]) ** 2;
          return 0.5 * s;
        },
        grad: (W, out) => adjoint(W, y, out),
        hess: (D, out) => adjoint(D, undefined, out),
      };
    }
  }
}

/**
 * The configured loss as a backend takes it. A `fraction` mask observes entry k when lane 0 of the
 * "mask:" + seed stream draws u_k < fraction (row-major order); at least one entry is always kept
 * (the first one drawn lowest), so the loss is never empty (observed.ts fractionObserved).
 */
export function buildLoss(loss: LossConfig | undefined, M: Matrix, seed: Seed): FactorizationLoss {
  if (loss === undefined || loss.kind === 'full') return { kind: 'full' };
  if (loss.kind === 'sensing') return { kind: 'sensing', ...buildMeasurements(seed, loss.measurements, M.data) };
  if ('mask' in loss) return { kind: 'completion', mask: fromRows(loss.mask).data };
  if ('observations' in loss) {
    const mask = new Float64Array(M.data.length);
    for (const k of cooObserved(loss.observations, M.rows, M.cols, 'problem.loss.observations').index) mask[k] = 1;
    return { kind: 'completion', mask };
  }
  const mask = new Float64Array(M.data.length);
  for (const k of fractionObserved(mask.length, loss.fraction, seed)) mask[k] = 1;
  return { kind: 'completion', mask };
}

/** The training objective ℓ(XYᵀ) + λ(‖X‖² + ‖Y‖²) at θ = [X | Y], in f64 (a report). */
export function objective(loss: LossOfW, lambda: number, theta: Float64Array, n: number, m: number, r: number): number {
  const W = new Float64Array(n * m);
  endToEnd(W, theta, n, m, r);
  let ridge = 0;
  if (lambda !== 0) for (let k = 0; k < theta.length; k++) ridge += theta[k] * theta[k];
  return loss.value(W) + lambda * ridge;
}

/** W = X Yᵀ (n×m) from θ = [X | Y], in f64. */
export function endToEnd(W: Float64Array, theta: Float64Array, n: number, m: number, r: number): Float64Array {
  const y = n * r;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let c = 0; c < r; c++) s += theta[i * r + c] * theta[y + j * r + c];
      W[i * m + j] = s;
    }
  return W;
}
