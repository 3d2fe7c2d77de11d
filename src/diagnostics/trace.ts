import { laneDouble, type GaussianState } from '../random/gaussian.js';
import type { SymOperator } from '../linalg/lanczos.js';
import { dot, norm, orthogonalize, scale } from '../linalg/vector.js';

/**
 * Stochastic trace estimators on a Hessian-vector product, seeded and deterministic.
 *
 * Probes are Rademacher vectors (entries ±1 from lane 0 of the given stream: u < ½ → −1), the same
 * draw as src/diagnostics/hessian.ts's `hutchinson`, so a stream gives the same probes to every
 * estimator that reads it.
 */
export interface TraceEstimate {
  trace: number;
  /** Standard error of `trace` from the spread of the stochastic part (NaN with fewer than two samples). */
  stdErr: number;
  /** Operator products used. */
  matvecs: number;
}

/** Fill z with ±1 from lane 0 of st. */
export function rademacher(z: Float64Array, st: GaussianState): Float64Array {
  for (let k = 0; k < z.length; k++) z[k] = laneDouble(st, 0) < 0.5 ? -1 : 1;
  return z;
}

/** Sample mean and its standard error (n − 1 in the variance). */
function meanAndStdErr(samples: readonly number[]): { mean: number; stdErr: number } {
  const p = samples.length;
  let sum = 0;
  for (const s of samples) sum += s;
  const mean = sum / p;
  if (p < 2) return { mean, stdErr: NaN };
  let ss = 0;
  for (const s of samples) ss += (s - mean) * (s - mean);
  return { mean, stdErr: Math.sqrt(ss / (p - 1) / p) };
}

/**
 * Hutchinson: tr H ≈ (1/p) Σ_j z_jᵀ H z_j, unbiased, variance 2 Σ_{k≠l} H_kl² / p. `samples` are
 * the p quadratic forms, in probe order.
 */
export function hutchinson(op: SymOperator, d: number, probes: number, st: GaussianState): TraceEstimate & { samples: number[] } {
  const z = new Float64Array(d);
  const Hz = new Float64Array(d);
  const samples: number[] = [];
  for (let j = 0; j < probes; j++) {
    rademacher(z, st);
    op(z, Hz);
    samples.push(dot(z, Hz));
  }
  const { mean, stdErr } = meanAndStdErr(samples);
  return { trace: mean, stdErr, matvecs: probes, samples };
}

/**
 * Hutch++ (Meyer, Musco, Musco, Woodruff 2021) with the matvec budget of `matvecs` Hutchinson
 * probes: s = ⌊matvecs/3⌋ sketch probes S, Q = orth(H S); the top part tr(QᵀHQ) exactly (|Q|
 * products) and the rest by Hutchinson on (I − QQᵀ)H(I − QQᵀ) with the remaining matvecs − 2s
 * probes. When H's spectrum decays, H S captures the large eigenvalues and the remaining variance is
 * that of the tail: error O(1/matvecs) instead of Hutchinson's O(1/√matvecs). The standard error is
 * that of the stochastic part (the deflated part is exact given S). With 3 matvecs or fewer: plain
 * Hutchinson (so that the error has two samples from 2 matvecs on).
 */
export function hutchPlusPlus(op: SymOperator, d: number, matvecs: number, st: GaussianState): TraceEstimate {
  let s = Math.floor(matvecs / 3);
  // Keep two residual probes for a standard error where the budget allows (3 matvecs: Hutchinson).
  if (matvecs - 2 * s < 2) s = Math.max(0, Math.floor((matvecs - 2) / 2));
  const g = matvecs - 2 * s;
  // Sketch and its range, dropping columns that add nothing (H of low rank, or s > rank).
  const Q: Float64Array[] = [];
  const z = new Float64Array(d);
  let scaleY = 0;
  for (let j = 0; j < s; j++) {
    const y = new Float64Array(d);
    op(rademacher(z, st), y);
    const before = norm(y);
    scaleY = Math.max(scaleY, before);
    orthogonalize(y, Q);
    const after = norm(y);
    if (after > 1e-12 * scaleY) Q.push(scale(y, 1 / after));
  }
  const Hq = new Float64Array(d);
  let exact = 0;
  for (const q of Q) {
    op(q, Hq);
    exact += dot(q, Hq);
  }
  const samples: number[] = [];
  const Hw = new Float64Array(d);
  for (let j = 0; j < g; j++) {
    const w = orthogonalize(rademacher(new Float64Array(d), st), Q);
    op(w, Hw);
    samples.push(dot(w, Hw));
  }
  const { mean, stdErr } = meanAndStdErr(samples);
  return { trace: exact + mean, stdErr, matvecs: s + Q.length + g };
}
